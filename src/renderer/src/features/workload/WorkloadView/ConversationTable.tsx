import { Button, Menu, Table, Text } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';
import type { Member } from '#contract/api/users';
import type { QueuedConversation } from '#contract/ipc/assignment';
import { AVAILABILITY_LABEL, AvailabilityDot } from '../../../components/MemberAvatar';
import { waitingLabel } from '../waiting';

/** The drag data type of a workload row (its conversation id). */
export const CONVERSATION_DRAG_TYPE = 'application/x-parley-conversation';

/** Props of {@link ConversationTable}. */
export interface ConversationTableProps<C extends QueuedConversation> {
  /** The table's accessible name ("Support queue", "Ana's conversations"). */
  label: string;
  conversations: C[];
  /** Who a conversation may go to (its team's members, everyone without a team; not its holder). */
  candidatesFor(c: C): Member[];
  /** "Assign" for a queue, "Reassign" for a member's conversations. */
  action: 'Assign' | 'Reassign';
  now: number;
  onAssign(conversationId: string, assigneeId: string): void;
  /** A row started being dragged (towards a member in the People table); with who may take it. */
  onDragStart?(conversationId: string, candidateIds: string[]): void;
  onDragEnd?(): void;
}

/** What a row calls its customer. */
export const contactOf = (c: QueuedConversation) => c.contactName ?? c.contactPhone ?? 'Unknown contact';

/**
 * Conversations of a queue or a member, longest wait first: each row drags onto a person of the
 * People table, and its menu does the same from the keyboard.
 */
export function ConversationTable<C extends QueuedConversation>(p: ConversationTableProps<C>) {
  return (
    <Table aria-label={p.label} verticalSpacing={4}>
      <Table.Tbody>
        {p.conversations.map((c) => {
          const candidates = p.candidatesFor(c);
          return (
            <Table.Tr
              key={c.id}
              draggable
              title={`Drag onto a person to ${p.action.toLowerCase()}`}
              style={{ cursor: 'grab' }}
              onDragStart={(e) => {
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData(CONVERSATION_DRAG_TYPE, c.id);
                p.onDragStart?.(
                  c.id,
                  candidates.map((m) => m.id),
                );
              }}
              onDragEnd={() => p.onDragEnd?.()}
            >
              <Table.Td>
                <Text size="sm" truncate>
                  {contactOf(c)}
                </Text>
              </Table.Td>
              <Table.Td w={140}>
                <Text size="sm" c="dimmed">
                  {waitingLabel(c.waitingSince, p.now) ?? ''}
                </Text>
              </Table.Td>
              <Table.Td w={120} ta="right">
                <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
                  <Menu.Target>
                    <Button
                      size="compact-sm"
                      variant="default"
                      rightSection={<IconChevronDown size={14} aria-hidden />}
                      aria-label={`${p.action} ${contactOf(c)}`}
                    >
                      {p.action}
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Label>{p.action} to</Menu.Label>
                    {candidates.length === 0 && (
                      <Menu.Item disabled>
                        {p.action === 'Assign' ? 'No one in this team' : 'No one else in this team'}
                      </Menu.Item>
                    )}
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
                        onClick={() => p.onAssign(c.id, m.id)}
                      >
                        {m.name}
                      </Menu.Item>
                    ))}
                  </Menu.Dropdown>
                </Menu>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
