import { Badge, Button, Group, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { SessionUser } from '#contract/api/auth';
import type { Member } from '#contract/api/users';
import type { Role } from '#contract/domain/roles';
import type { AppError } from '#contract/result';
import { useParleyClient, useTeams } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { InviteMemberModal, ROLE_OPTIONS } from './InviteMemberModal';

/**
 * Members (admins): role, status, joined, teams; invite, change role, deactivate and
 * reactivate. The server keeps one active admin at least and says so when refused.
 */
export function MembersSection({ user }: { user: SessionUser }) {
  const client = useParleyClient();
  const load = useCallback(() => client.call('admin:listMembers'), [client]);
  const members = useRemote(load, true);
  const teams = useTeams();
  const [inviting, setInviting] = useState(false);
  const [confirm, setConfirm] = useState<Member | null>(null);
  const [actionError, setActionError] = useState<{ title: string; error: AppError } | null>(null);

  const update = async (m: Member, patch: { role?: Role; deactivated?: boolean }, title: string) => {
    setActionError(null);
    const r = await client.call('admin:updateMember', { id: m.id, patch });
    if (r.ok) members.setData((list) => list?.map((x) => (x.id === r.value.id ? r.value : x)));
    else setActionError({ title, error: r.error });
  };

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
        <Table striped highlightOnHover aria-label="Members">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Joined</Table.Th>
              <Table.Th>Teams</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {m.name}
                    {m.id === user.id ? ' (you)' : ''}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {m.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Role of ${m.name}`}
                    size="xs"
                    w={120}
                    data={ROLE_OPTIONS}
                    value={m.role}
                    allowDeselect={false}
                    onChange={(v) => {
                      if (v && v !== m.role)
                        void update(m, { role: v as Role }, `${m.name}’s role was not changed`);
                    }}
                  />
                </Table.Td>
                <Table.Td>
                  {m.deactivatedAt ? (
                    <Badge color="gray" variant="light">
                      Deactivated
                    </Badge>
                  ) : (
                    // A dot badge: Mantine's light green label is 3.8:1 on its tint, under AA.
                    <Badge color="green" variant="dot">
                      Active
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{new Date(m.joinedAt).toLocaleDateString()}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{teamsOf(m.id) || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  {m.deactivatedAt ? (
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Reactivate ${m.name}`}
                      onClick={() => void update(m, { deactivated: false }, `${m.name} was not reactivated`)}
                    >
                      Reactivate
                    </Button>
                  ) : (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Deactivate ${m.name}`}
                      onClick={() => setConfirm(m)}
                    >
                      Deactivate
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <InviteMemberModal
        opened={inviting}
        onClose={() => setInviting(false)}
        onInvited={() => void members.reload()}
      />
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
