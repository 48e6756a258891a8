import { NumberInput, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { Member } from '#contract/api/users';
import type { MemberLoad } from '#contract/ipc/assignment';
import { AVAILABILITY_LABEL, MemberAvatar } from '../../../components/MemberAvatar';
import { waitingLabel } from '../waiting';

/** Props of {@link MemberTable}. */
export interface MemberTableProps {
  members: Member[];
  loads: MemberLoad[];
  now: number;
  onSetCapacity(userId: string, capacity: number | null): void;
}

/** A capacity field that commits on blur or Enter (empty = unlimited). */
function CapacityField({ member, onCommit }: { member: Member; onCommit(c: number | null): void }) {
  const [value, setValue] = useState<string | number>(member.capacity ?? '');
  const [shown, setShown] = useState(member.capacity);
  // The replica moved (another manager, or our own change confirmed): show the new value.
  if (shown !== member.capacity) {
    setShown(member.capacity);
    setValue(member.capacity ?? '');
  }
  const commit = () => {
    const next = value === '' ? null : Number(value);
    if (next !== member.capacity && (next === null || (Number.isInteger(next) && next >= 1))) onCommit(next);
  };
  return (
    <NumberInput
      size="xs"
      w={110}
      min={1}
      max={1000}
      allowDecimal={false}
      allowNegative={false}
      placeholder="Unlimited"
      aria-label={`Capacity of ${member.name}`}
      value={value}
      onChange={setValue}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

/** Per member: availability, open and pending conversations, capacity, the longest wait. */
export function MemberTable({ members, loads, now, onSetCapacity }: MemberTableProps) {
  const byId = new Map(loads.map((l) => [l.userId, l]));
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
          const open = l?.open ?? 0;
          const full = m.capacity !== null && open >= m.capacity;
          return (
            <Table.Tr key={m.id}>
              <Table.Td>
                <div style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0 }}>
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
                  {open}
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
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
