import { Button, CloseButton, Group, Menu, Paper, Text } from '@mantine/core';
import { IconChevronDown, IconMail, IconMailOpened, IconUsers } from '@tabler/icons-react';
import type { KeyboardEvent } from 'react';
import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';
import type { ConversationStatus } from '#contract/domain/messaging';
import type { BulkAction } from './bulk-actions';
import { LabelsPopover } from './LabelsPopover';

/** Props of {@link BulkBar}. */
export interface BulkBarProps {
  /** How many conversations are checked. */
  count: number;
  /** Managers and admins may assign; agents get the other actions. */
  canAssign: boolean;
  members: readonly Member[];
  teams: readonly Team[];
  myUserId: string;
  /** Labels to offer (the list's, most used first). */
  knownLabels: readonly string[];
  /** Labels some checked conversation has (offered for removal). */
  checkedLabels: readonly string[];
  onAction(action: BulkAction): void;
  onClear(): void;
}

const STATUSES: readonly { status: ConversationStatus; label: string }[] = [
  { status: 'open', label: 'Open' },
  { status: 'pending', label: 'Pending' },
  { status: 'resolved', label: 'Resolved' },
  { status: 'snoozed', label: 'Snoozed until the customer writes' },
];

/**
 * The bulk action bar over the list while conversations are checked: assign (managers and
 * admins), status, labels, read or unread, and Clear (Escape too). Each choice runs at once on
 * every checked conversation; the progress notice below reports how it went.
 */
export function BulkBar({
  count,
  canAssign,
  members,
  teams,
  myUserId,
  knownLabels,
  checkedLabels,
  onAction,
  onClear,
}: BulkBarProps) {
  const active = members.filter((m) => !m.deactivatedAt);
  const nameOf = (m: Member) => (m.id === myUserId ? `${m.name} (you)` : m.name);
  // Escape typed inside the bar (not in a menu, which closes itself first) clears the checks.
  const handleKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape' && e.currentTarget.contains(e.target as Node)) {
      e.preventDefault();
      onClear();
    }
  };
  return (
    <Paper
      component="section"
      aria-label="Bulk actions"
      withBorder
      radius="sm"
      p={6}
      onKeyDown={handleKeyDown}
    >
      <Group gap={6} justify="space-between" wrap="nowrap" mb={4}>
        <Text size="sm" fw={600} aria-live="polite">
          {count === 1 ? '1 selected' : `${count} selected`}
        </Text>
        <CloseButton size="sm" aria-label="Clear selection" onClick={onClear} />
      </Group>
      <Group gap={6} wrap="wrap">
        {canAssign && (
          <Menu position="bottom-start" withinPortal shadow="md">
            <Menu.Target>
              <Button
                size="compact-sm"
                variant="default"
                leftSection={<IconUsers size={14} aria-hidden />}
                rightSection={<IconChevronDown size={12} aria-hidden />}
              >
                Assign
              </Button>
            </Menu.Target>
            <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
              <Menu.Label>People</Menu.Label>
              {active.map((m) => (
                <Menu.Item
                  key={m.id}
                  onClick={() => onAction({ kind: 'assign', assigneeId: m.id, label: `Assign to ${m.name}` })}
                >
                  {nameOf(m)}
                </Menu.Item>
              ))}
              {teams.length > 0 && <Menu.Label>Teams (unassigned in the team)</Menu.Label>}
              {teams.map((t) => (
                <Menu.Item
                  key={t.id}
                  onClick={() =>
                    onAction({ kind: 'assign', assigneeId: null, teamId: t.id, label: `Move to ${t.name}` })
                  }
                >
                  {t.name}
                </Menu.Item>
              ))}
              <Menu.Divider />
              <Menu.Item onClick={() => onAction({ kind: 'assign', assigneeId: null, label: 'Unassign' })}>
                Unassign
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
        <Menu position="bottom-start" withinPortal shadow="md">
          <Menu.Target>
            <Button
              size="compact-sm"
              variant="default"
              rightSection={<IconChevronDown size={12} aria-hidden />}
            >
              Status
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {STATUSES.map((s) => (
              <Menu.Item key={s.status} onClick={() => onAction({ kind: 'status', status: s.status })}>
                {s.label}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        <LabelsPopover knownLabels={knownLabels} checkedLabels={checkedLabels} onAction={onAction} />
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconMailOpened size={14} aria-hidden />}
          onClick={() => onAction({ kind: 'markRead' })}
        >
          Mark read
        </Button>
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconMail size={14} aria-hidden />}
          onClick={() => onAction({ kind: 'markUnread' })}
        >
          Mark unread
        </Button>
      </Group>
    </Paper>
  );
}
