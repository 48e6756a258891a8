import { ActionIcon, Table, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, useEffect, useRef, useState } from 'react';
import type { Member } from '#contract/api/users';
import type { MemberConversation, MemberLoad } from '#contract/ipc/assignment';
import { CapacityField } from '../../../components/CapacityField';
import { AVAILABILITY_LABEL, MemberAvatar } from '../../../components/MemberAvatar';
import { waitingLabel } from '../waiting';
import { ConversationTable } from './ConversationTable';

/** Props of {@link MemberTable}. */
export interface MemberTableProps {
  members: Member[];
  loads: MemberLoad[];
  now: number;
  onSetCapacity(userId: string, capacity: number | null): void;
  /** A row being dragged, with who may take it; its drop on one of them assigns it. */
  dragging?: { conversationId: string; candidateIds: string[] } | null;
  onDrop?(conversationId: string, assigneeId: string): void;
  /** Who a member's conversation may be reassigned to (never the member holding it). */
  candidatesFor(c: MemberConversation, holderId: string): Member[];
  onAssign(conversationId: string, assigneeId: string): void;
  onDragStart?(conversationId: string, candidateIds: string[]): void;
  onDragEnd?(): void;
}

/**
 * Per member: availability, open and pending conversations, capacity, the longest wait; a
 * member's row opens onto their conversations, which drag onto a teammate's row to reassign.
 */
export function MemberTable(p: MemberTableProps) {
  const { members, loads, now, onSetCapacity, dragging, onDrop } = p;
  const byId = new Map(loads.map((l) => [l.userId, l]));
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const [over, setOver] = useState<string | null>(null);
  const depth = useRef(new Map<string, number>());
  const isDragging = !!dragging;
  useEffect(() => {
    // A drag ended (dropped anywhere or cancelled): forget where it was (a stale `over` shows
    // nothing: only drop targets, which exist during a drag, show it).
    if (!isDragging) depth.current.clear();
  }, [isDragging]);
  const active = members.filter((m) => !m.deactivatedAt);
  return (
    <Table striped highlightOnHover aria-label="People" verticalSpacing={6}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Member</Table.Th>
          <Table.Th>Availability</Table.Th>
          <Table.Th ta="right">Open</Table.Th>
          <Table.Th ta="right">Pending</Table.Th>
          <Table.Th>Capacity</Table.Th>
          <Table.Th>Oldest waiting</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {active.map((m) => {
          const l = byId.get(m.id);
          const openCount = l?.open ?? 0;
          const full = m.capacity !== null && openCount >= m.capacity;
          const target = !!dragging && dragging.candidateIds.includes(m.id);
          const held = l?.conversations ?? [];
          const expanded = open.has(m.id) && held.length > 0;
          const listId = `workload-member-${m.id}`;
          return (
            <Fragment key={m.id}>
              <Table.Tr
                data-drop-target={target || undefined}
                data-drop-over={(target && over === m.id) || undefined}
                style={
                  target
                    ? {
                        outline: `2px ${over === m.id ? 'solid' : 'dashed'} var(--mantine-primary-color-filled)`,
                        outlineOffset: -2,
                        background: over === m.id ? 'var(--mantine-primary-color-light)' : undefined,
                      }
                    : undefined
                }
                onDragEnter={(e) => {
                  if (!target) return;
                  e.preventDefault();
                  depth.current.set(m.id, (depth.current.get(m.id) ?? 0) + 1);
                  setOver(m.id);
                }}
                onDragOver={(e) => {
                  if (!target) return;
                  e.preventDefault();
                  e.dataTransfer.dropEffect = 'move';
                  setOver(m.id);
                }}
                onDragLeave={() => {
                  // Entering a cell of the row fires before leaving the previous one: count.
                  const d = (depth.current.get(m.id) ?? 1) - 1;
                  depth.current.set(m.id, d);
                  if (d <= 0) setOver((o) => (o === m.id ? null : o));
                }}
                onDrop={(e) => {
                  setOver(null);
                  depth.current.clear();
                  if (!target || !dragging) return;
                  e.preventDefault();
                  onDrop?.(dragging.conversationId, m.id);
                }}
              >
                <Table.Td>
                  <div style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0 }}>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      size="sm"
                      disabled={held.length === 0}
                      aria-expanded={expanded}
                      aria-controls={expanded ? listId : undefined}
                      aria-label={`${expanded ? 'Hide' : 'Show'} ${m.name}’s conversations`}
                      onClick={() => toggle(m.id)}
                    >
                      {expanded ? (
                        <IconChevronDown size={16} aria-hidden />
                      ) : (
                        <IconChevronRight size={16} aria-hidden />
                      )}
                    </ActionIcon>
                    <MemberAvatar name={m.name} availability={m.availability} size={26} />
                    <Text size="sm" fw={500} truncate>
                      {m.name}
                    </Text>
                  </div>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{AVAILABILITY_LABEL[m.availability]}</Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" fw={full ? 700 : undefined} c={full ? 'orange.8' : undefined}>
                    {openCount}
                    {full ? ' (full)' : ''}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{l?.pending ?? 0}</Table.Td>
                <Table.Td>
                  <CapacityField member={m} onCommit={(c) => onSetCapacity(m.id, c)} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={l?.oldestWaitingSince ? undefined : 'dimmed'}>
                    {waitingLabel(l?.oldestWaitingSince, now) ?? 'No one'}
                  </Text>
                </Table.Td>
              </Table.Tr>
              {expanded && (
                <Table.Tr id={listId}>
                  <Table.Td colSpan={6} py={0} pl={44}>
                    <ConversationTable
                      label={`${m.name}’s conversations`}
                      conversations={held}
                      candidatesFor={(c) => p.candidatesFor(c, m.id)}
                      action="Reassign"
                      now={now}
                      onAssign={p.onAssign}
                      onDragStart={p.onDragStart}
                      onDragEnd={p.onDragEnd}
                    />
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
