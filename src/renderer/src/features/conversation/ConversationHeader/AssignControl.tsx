import { Button, Combobox, Group, Text, useCombobox } from '@mantine/core';
import { IconUserCheck, IconUsers, IconUserX } from '@tabler/icons-react';
import { useState } from 'react';
import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';

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
}: AssignControlProps) {
  const combobox = useCombobox({ onDropdownClose: () => setSearch('') });
  const [search, setSearch] = useState('');
  const label = assignmentLabel(assigneeId, teamId, members, teams, myUserId);

  if (!canAssign) {
    return (
      <Group gap="xs" wrap="nowrap">
        <Text size="sm" c="dimmed" lineClamp={1}>
          {label}
        </Text>
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
      <Text size="sm" c="dimmed" lineClamp={1}>
        {label}
      </Text>
      <Combobox store={combobox} onOptionSubmit={handleSubmit} width={280} position="bottom-end" withinPortal>
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
                  {m.id === myUserId ? `${m.name} (you)` : m.name}
                  <Text span size="xs" c="dimmed">
                    {' '}
                    · {m.role}
                  </Text>
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
    </Group>
  );
}
