import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Menu,
  Select,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { IconDots, IconKey, IconUserCheck, IconUserOff, IconUserPlus } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { SessionUser } from '#contract/api/auth';
import type { Member } from '#contract/api/users';
import type { Role } from '#contract/domain/roles';
import type { AppError } from '#contract/result';
import { useParleyClient, useTeams } from '../../../api';
import { CapacityField } from '../../../components/CapacityField';
import { useNow } from '../../inbox';
import { MemberAvatar } from '../../../components/MemberAvatar';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { InviteMemberModal, ROLE_OPTIONS } from './InviteMemberModal';
import { lastActiveLabel } from './last-active';
import { ResetPasswordModal } from './ResetPasswordModal';

// A badge's label may shrink to "A…" in a tight table: its width is its whole label.
const WHOLE = { minWidth: 'max-content' } as const;

/**
 * Members (admins): role, status, last active, capacity, teams; invite, change role, reset a
 * password, deactivate and reactivate. The server keeps one active admin at least and says so
 * when refused. Capacity goes through the same channel as Team workload's.
 */
export function MembersSection({ user }: { user: SessionUser }) {
  const client = useParleyClient();
  const load = useCallback(() => client.call('admin:listMembers'), [client]);
  const members = useRemote(load, true);
  const teams = useTeams();
  const [inviting, setInviting] = useState(false);
  const [confirm, setConfirm] = useState<Member | null>(null);
  const [resetting, setResetting] = useState<Member | null>(null);
  const [actionError, setActionError] = useState<{ title: string; error: AppError } | null>(null);

  const update = async (m: Member, patch: { role?: Role; deactivated?: boolean }, title: string) => {
    setActionError(null);
    const r = await client.call('admin:updateMember', { id: m.id, patch });
    if (r.ok) replace({ ...r.value, lastActiveAt: r.value.lastActiveAt ?? m.lastActiveAt });
    else setActionError({ title, error: r.error });
  };

  const replace = (next: Member) =>
    members.setData((list) => list?.map((x) => (x.id === next.id ? next : x)));
  const setCapacity = async (m: Member, capacity: number | null) => {
    setActionError(null);
    const r = await client.call('members:setCapacity', { id: m.id, capacity });
    // The capacity answer carries no lastActiveAt (it is a sync row): keep the one we have.
    if (r.ok) replace({ ...r.value, lastActiveAt: m.lastActiveAt });
    else setActionError({ title: `${m.name}’s capacity was not changed`, error: r.error });
  };
  const now = useNow();

  const teamsOf = (id: string) =>
    (teams ?? [])
      .filter((t) => t.memberIds.includes(id))
      .map((t) => t.name)
      .join(', ');

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={560}>
          Every organization keeps at least one active admin: the last admin cannot be demoted or deactivated.
          Deactivating a member signs them out on every device at once; their conversations stay.
        </Text>
        <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setInviting(true)}>
          Invite member
        </Button>
      </Group>
      {actionError && <ActionError error={actionError.error} title={actionError.title} />}
      {members.error && !members.data ? (
        <LoadError error={members.error} onRetry={() => void members.reload()} what="members" />
      ) : !members.data ? (
        <Loading what="members" />
      ) : (
        // The row's actions sit in one menu so the seven columns fit beside the navigation at
        // 1280 px; narrower, the table scrolls sideways in its own box rather than squeezing the
        // status to "A…".
        <Table.ScrollContainer minWidth={760} type="native">
          <Table striped highlightOnHover horizontalSpacing="xs" aria-label="Members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th>Capacity</Table.Th>
                <Table.Th>Teams</Table.Th>
                <Table.Th w={48}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <Group gap="sm" wrap="nowrap">
                      <MemberAvatar name={m.name} availability={m.availability} size={28} />
                      <div>
                        <Text size="sm" fw={500}>
                          {m.name}
                          {m.id === user.id ? ' (you)' : ''}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {m.email}
                        </Text>
                      </div>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Role of ${m.name}`}
                      size="xs"
                      w={108}
                      data={ROLE_OPTIONS}
                      value={m.role}
                      allowDeselect={false}
                      onChange={(v) => {
                        if (v && v !== m.role)
                          void update(m, { role: v as Role }, `${m.name}’s role was not changed`);
                      }}
                    />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {m.deactivatedAt ? (
                      <Badge color="gray" variant="light" style={WHOLE}>
                        Deactivated
                      </Badge>
                    ) : (
                      // A dot badge: Mantine's light green label is 3.8:1 on its tint, under AA.
                      <Badge color="green" variant="dot" style={WHOLE}>
                        Active
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" title={`Joined ${new Date(m.joinedAt).toLocaleDateString()}`}>
                      {lastActiveLabel(m.lastActiveAt, now)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <CapacityField member={m} onCommit={(c) => void setCapacity(m, c)} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{teamsOf(m.id) || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Menu position="bottom-end" withinPortal>
                      <Menu.Target>
                        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${m.name}`}>
                          <IconDots size={18} aria-hidden />
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        {m.id !== user.id && (
                          <Menu.Item
                            leftSection={<IconKey size={14} aria-hidden />}
                            onClick={() => setResetting(m)}
                          >
                            Reset password…
                          </Menu.Item>
                        )}
                        {m.deactivatedAt ? (
                          <Menu.Item
                            leftSection={<IconUserCheck size={14} aria-hidden />}
                            onClick={() =>
                              void update(m, { deactivated: false }, `${m.name} was not reactivated`)
                            }
                          >
                            Reactivate
                          </Menu.Item>
                        ) : (
                          <Menu.Item
                            color="red"
                            leftSection={<IconUserOff size={14} aria-hidden />}
                            onClick={() => setConfirm(m)}
                          >
                            Deactivate…
                          </Menu.Item>
                        )}
                      </Menu.Dropdown>
                    </Menu>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <InviteMemberModal
        opened={inviting}
        onClose={() => setInviting(false)}
        onInvited={() => void members.reload()}
      />
      <ResetPasswordModal member={resetting} onClose={() => setResetting(null)} />
      <ConfirmDialog
        opened={confirm !== null}
        title={`Deactivate ${confirm?.name ?? ''}?`}
        confirmLabel="Deactivate"
        onClose={() => setConfirm(null)}
        onConfirm={() =>
          confirm
            ? update(confirm, { deactivated: true }, `${confirm.name} was not deactivated`)
            : Promise.resolve()
        }
      >
        {confirm?.name} is signed out on every device at once and cannot sign in until reactivated. Their
        conversations and history stay; reassign their open conversations if needed.
      </ConfirmDialog>
    </Stack>
  );
}
