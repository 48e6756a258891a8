import { Button, Combobox, Group, Menu, Text, Tooltip, useCombobox, VisuallyHidden } from '@mantine/core';
import { IconUserCheck, IconUsers, IconUserX } from '@tabler/icons-react';
import { useState } from 'react';
import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';
import { AVAILABILITY_LABEL, AvailabilityDot } from '../../../components/MemberAvatar';

/** Props of {@link AssignControl}. */
export interface AssignControlProps {
  assigneeId: string | null;
  teamId: string | null;
  members: Member[];
  teams: Team[];
  myUserId: string;
  /** Managers and admins assign to anyone; agents may only claim an unassigned conversation. */
  canAssign: boolean;
  onAssign(assigneeId: string | null, teamId?: string | null): void;
  onClaim(): void;
  /** Who has it, as text beside the button; when false (no room) it is the button's tooltip. */
  showLabel?: boolean;
}

/** Who has the conversation, in words. */
export function assignmentLabel(
  assigneeId: string | null,
  teamId: string | null,
  members: Member[],
  teams: Team[],
  myUserId: string,
): string {
  const person =
    assigneeId === null
      ? 'Unassigned'
      : assigneeId === myUserId
        ? 'Assigned to you'
        : `Assigned to ${members.find((m) => m.id === assigneeId)?.name ?? 'a former member'}`;
  const team = teamId ? teams.find((t) => t.id === teamId)?.name : null;
  return team ? `${person} · ${team}` : person;
}

/**
 * Assignee and team. Managers and admins get an **Assign** picker (any active member or team,
 * or unassign); agents get **Claim** on unassigned conversations. The server has the last word.
 */
export function AssignControl({
  assigneeId,
  teamId,
  members,
  teams,
  myUserId,
  canAssign,
  onAssign,
  onClaim,
  showLabel = true,
}: AssignControlProps) {
  const combobox = useCombobox({ onDropdownClose: () => setSearch('') });
  const [search, setSearch] = useState('');
  const label = assignmentLabel(assigneeId, teamId, members, teams, myUserId);

  if (!canAssign) {
    return (
      <Group gap="xs" wrap="nowrap">
        {showLabel && (
          <Text size="sm" c="dimmed" lineClamp={1}>
            {label}
          </Text>
        )}
        {assigneeId === null && (
          <Button size="compact-sm" leftSection={<IconUserCheck size={14} aria-hidden />} onClick={onClaim}>
            Claim
          </Button>
        )}
      </Group>
    );
  }

  const q = search.trim().toLowerCase();
  const activeMembers = members.filter(
    (m) => !m.deactivatedAt && (!q || m.name.toLowerCase().includes(q) || m.email.toLowerCase().includes(q)),
  );
  const matchingTeams = teams.filter((t) => !q || t.name.toLowerCase().includes(q));
  const handleSubmit = (value: string) => {
    combobox.closeDropdown();
    if (value === 'unassign') onAssign(null);
    else if (value.startsWith('member:')) onAssign(value.slice('member:'.length));
    else if (value.startsWith('team:')) onAssign(null, value.slice('team:'.length));
  };

  return (
    <Group gap="xs" wrap="nowrap">
      {showLabel && (
        <Text size="sm" c="dimmed" lineClamp={1}>
          {label}
        </Text>
      )}
      {/* Without room for the text, who has it is the button's tooltip. */}
      <Tooltip label={label} withArrow disabled={showLabel}>
        <span style={{ display: 'inline-flex' }}>
          <Combobox
            store={combobox}
            onOptionSubmit={handleSubmit}
            width={280}
            position="bottom-end"
            withinPortal
          >
            <Combobox.Target targetType="button">
              <Button
                size="compact-sm"
                variant="default"
                leftSection={<IconUsers size={14} aria-hidden />}
                onClick={() => combobox.toggleDropdown()}
              >
                Assign
              </Button>
            </Combobox.Target>
            <Combobox.Dropdown>
              <Combobox.Search
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                placeholder="Search people and teams"
                aria-label="Search people and teams"
              />
              <Combobox.Options mah={300} style={{ overflowY: 'auto' }} aria-label="Assign to">
                {assigneeId !== null && (
                  <Combobox.Option value="unassign">
                    <Group gap="xs">
                      <IconUserX size={14} aria-hidden />
                      Unassign
                    </Group>
                  </Combobox.Option>
                )}
                <Combobox.Group label="People">
                  {activeMembers.length === 0 && <Combobox.Empty>No one matches</Combobox.Empty>}
                  {activeMembers.map((m) => (
                    <Combobox.Option value={`member:${m.id}`} key={m.id} active={m.id === assigneeId}>
                      <Group gap={8} wrap="nowrap">
                        {/* The dot's words come last in the option's name ("Ana · agent, Away"), so
                            the name still starts with the person. */}
                        <span aria-hidden style={{ display: 'inline-flex' }}>
                          <AvailabilityDot name={m.name} availability={m.availability} />
                        </span>
                        <span>
                          {m.id === myUserId ? `${m.name} (you) ` : `${m.name} `}
                          <Text span size="xs" c="dimmed">
                            · {m.role}
                          </Text>
                          <VisuallyHidden component="span">
                            , {AVAILABILITY_LABEL[m.availability]}
                          </VisuallyHidden>
                        </span>
                      </Group>
                    </Combobox.Option>
                  ))}
                </Combobox.Group>
                {matchingTeams.length > 0 && (
                  <Combobox.Group label="Teams">
                    {matchingTeams.map((t) => (
                      <Combobox.Option value={`team:${t.id}`} key={t.id} active={t.id === teamId}>
                        {t.name}
                      </Combobox.Option>
                    ))}
                  </Combobox.Group>
                )}
              </Combobox.Options>
            </Combobox.Dropdown>
          </Combobox>
        </span>
      </Tooltip>
    </Group>
  );
}

/**
 * Assignment as items of a menu (the header's "More actions" when the Assign button has no
 * room): an "Assign to" submenu of Unassign, people and teams for managers and admins, Claim
 * for agents on an unassigned conversation.
 */
export function AssignItems({
  assigneeId,
  teamId,
  members,
  teams,
  myUserId,
  canAssign,
  onAssign,
  onClaim,
}: AssignControlProps) {
  if (!canAssign)
    return assigneeId === null ? (
      <Menu.Item leftSection={<IconUserCheck size={14} aria-hidden />} onClick={onClaim}>
        Claim
      </Menu.Item>
    ) : null;
  return (
    <Menu.Sub position="left-start">
      <Menu.Sub.Target>
        <Menu.Sub.Item leftSection={<IconUsers size={14} aria-hidden />}>Assign to</Menu.Sub.Item>
      </Menu.Sub.Target>
      <Menu.Sub.Dropdown mah={360} style={{ overflowY: 'auto' }}>
        {assigneeId !== null && (
          <Menu.Item leftSection={<IconUserX size={14} aria-hidden />} onClick={() => onAssign(null)}>
            Unassign
          </Menu.Item>
        )}
        {/* Groups, because a menu may hold only items and groups (axe: aria-required-children). */}
        <div role="group" aria-label="People">
          <Menu.Label>People</Menu.Label>
          {members
            .filter((m) => !m.deactivatedAt)
            .map((m) => (
              <Menu.Item key={m.id} onClick={() => onAssign(m.id)} disabled={m.id === assigneeId}>
                {m.id === myUserId ? `${m.name} (you)` : m.name}
              </Menu.Item>
            ))}
        </div>
        {teams.length > 0 && (
          <div role="group" aria-label="Teams">
            <Menu.Label>Teams</Menu.Label>
            {teams.map((t) => (
              <Menu.Item key={t.id} onClick={() => onAssign(null, t.id)} disabled={t.id === teamId}>
                {t.name}
              </Menu.Item>
            ))}
          </div>
        )}
      </Menu.Sub.Dropdown>
    </Menu.Sub>
  );
}
