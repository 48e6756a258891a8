import { Button, Group, Menu, Paper, Switch, Table, Text, Title } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';
import type { Member } from '#contract/api/users';
import type { TeamQueue } from '#contract/ipc/assignment';
import { AVAILABILITY_LABEL, AvailabilityDot } from '../../../components/MemberAvatar';
import { waitingLabel } from '../waiting';

/** Props of {@link QueueCard}. */
export interface QueueCardProps {
  title: string;
  queue: TeamQueue;
  /** Who the conversations may go to (the team's members, or everyone for "No team"). */
  candidates: Member[];
  now: number;
  /** Auto-assignment switch (teams only); absent = no switch. */
  autoAssign?: { enabled: boolean; canChange: boolean; onChange(enabled: boolean): void };
  onAssign(conversationId: string, assigneeId: string): void;
}

const contactOf = (c: TeamQueue['conversations'][number]) =>
  c.contactName ?? c.contactPhone ?? 'Unknown contact';

/** One team's unassigned queue: how many, the longest wait, and each conversation with Assign. */
export function QueueCard({ title, queue, candidates, now, autoAssign, onAssign }: QueueCardProps) {
  const headingId = `queue-${queue.teamId ?? 'none'}`;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <div style={{ minWidth: 0 }}>
          <Title order={3} size="h5" id={headingId}>
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {queue.unassigned} unassigned
            {queue.oldestWaitingSince
              ? ` · oldest waiting ${waitingLabel(queue.oldestWaitingSince, now)}`
              : ''}
          </Text>
        </div>
        {autoAssign && (
          <Switch
            label="Auto-assign"
            aria-label={`Auto-assign ${title}`}
            checked={autoAssign.enabled}
            disabled={!autoAssign.canChange}
            onChange={(e) => autoAssign.onChange(e.currentTarget.checked)}
          />
        )}
      </Group>
      {queue.conversations.length > 0 && (
        <Table aria-label={`${title} queue`} verticalSpacing={4}>
          <Table.Tbody>
            {queue.conversations.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Text size="sm" truncate>
                    {contactOf(c)}
                  </Text>
                </Table.Td>
                <Table.Td w={140}>
                  <Text size="sm" c="dimmed">
                    {waitingLabel(c.waitingSince, now) ?? ''}
                  </Text>
                </Table.Td>
                <Table.Td w={120} ta="right">
                  <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
                    <Menu.Target>
                      <Button
                        size="compact-sm"
                        variant="default"
                        rightSection={<IconChevronDown size={14} aria-hidden />}
                        aria-label={`Assign ${contactOf(c)}`}
                      >
                        Assign
                      </Button>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Label>Assign to</Menu.Label>
                      {candidates.length === 0 && <Menu.Item disabled>No one in this team</Menu.Item>}
                      {candidates.map((m) => (
                        <Menu.Item
                          key={m.id}
                          leftSection={
                            <span aria-hidden style={{ display: 'inline-flex' }}>
                              <AvailabilityDot name={m.name} availability={m.availability} />
                            </span>
                          }
                          rightSection={
                            <Text size="xs" c="dimmed">
                              {AVAILABILITY_LABEL[m.availability]}
                            </Text>
                          }
                          onClick={() => onAssign(c.id, m.id)}
                        >
                          {m.name}
                        </Menu.Item>
                      ))}
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
