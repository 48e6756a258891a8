import { useCallback } from 'react';
import type { In } from '#contract/ipc/contract';
import { useParleyClient, useSession } from '../../api';

/** The profile feature's data hook: both actions go through the typed client. */
export function useProfileActions() {
  const client = useParleyClient();
  const { refresh } = useSession();
  const updateName = useCallback(
    async (input: In<'profile:update'>) => {
      const result = await client.call('profile:update', input);
      // The header shows the name from the session; reload it rather than trust that the
      // core also emits session:changed.
      if (result.ok) await refresh();
      return result;
    },
    [client, refresh],
  );
  const changePassword = useCallback(
    (input: In<'profile:changePassword'>) => client.call('profile:changePassword', input),
    [client],
  );
  return { updateName, changePassword };
}
