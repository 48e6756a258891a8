import { notifications } from '@mantine/notifications';
import { useCallback } from 'react';
import type { Availability, ChosenAvailability } from '#contract/api/users';
import { useMembers, useParleyClient } from '../../api';

/**
 * Your availability as the replica has it (the server's truth, synced like every member row) and
 * the action that sets it. Online only: the server must know, so an unreachable one says so at
 * once instead of queueing a state that would be false by the time it arrives.
 */
export function useAvailability(userId: string): {
  availability: Availability | undefined;
  setAvailability(a: ChosenAvailability): Promise<void>;
} {
  const client = useParleyClient();
  const members = useMembers();
  const availability = members?.find((m) => m.id === userId)?.availability;
  const setAvailability = useCallback(
    async (a: ChosenAvailability) => {
      const r = await client.call('availability:set', { availability: a });
      if (!r.ok)
        notifications.show({ color: 'red', title: 'Availability not changed', message: r.error.message });
    },
    [client],
  );
  return { availability, setAvailability };
}
