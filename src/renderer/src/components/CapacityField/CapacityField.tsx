import { NumberInput } from '@mantine/core';
import { useState } from 'react';
import type { Member } from '#contract/api/users';

/**
 * A member's capacity for auto-assignment (empty = unlimited), committed on blur or Enter. One
 * field for Team workload and Settings › Members, both over `members:setCapacity`.
 */
export function CapacityField({ member, onCommit }: { member: Member; onCommit(c: number | null): void }) {
  const [value, setValue] = useState<string | number>(member.capacity ?? '');
  const [shown, setShown] = useState(member.capacity);
  // The member moved (another manager, or our own change confirmed): show the new value.
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
