import { useEffect, useState } from 'react';
import type { Team } from '#contract/api/teams';
import type { Label } from '#contract/api/labels';
import type { CannedResponse } from '#contract/api/canned-responses';
import type { Member } from '#contract/api/users';
import type { Result } from '#contract/result';
import { coalesce } from './coalesce';
import type { ParleyClient } from './parley-client';
import { useParleyClient } from './ParleyProvider';

/** A replica list read once, then again whenever `replica:changed` names its table. */
function useReplicaList<T>(
  table: string,
  read: (client: ParleyClient) => Promise<Result<T[]>>,
): T[] | undefined {
  const client = useParleyClient();
  const [items, setItems] = useState<T[] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const run = coalesce(async () => {
      const r = await read(client);
      if (live && r.ok) setItems(r.value);
    });
    run.run();
    const off = client.subscribe('replica:changed', (c) => {
      if (c.tables.includes(table)) run.run();
    });
    return () => {
      live = false;
      run.cancel();
      off();
    };
  }, [client, table, read]);
  return items;
}

const readMembers = (c: ParleyClient) => c.call('members:list');
const readTeams = (c: ParleyClient) => c.call('teams:list');
const readLabels = (c: ParleyClient) => c.call('labels:list');
const readCanned = (c: ParleyClient) => c.call('cannedResponses:list');

/** The organization's members from the replica (by name), or `undefined` until read. */
export function useMembers(): Member[] | undefined {
  return useReplicaList('members', readMembers);
}

/** The organization's teams from the replica (by name), or `undefined` until read. */
export function useTeams(): Team[] | undefined {
  return useReplicaList('teams', readTeams);
}

/** The organization's labels (names with colours) from the replica, by name; `undefined` until read. */
export function useLabels(): Label[] | undefined {
  return useReplicaList('labels', readLabels);
}

/** The canned responses I may use (the organization's and my own) from the replica, by shortcut. */
export function useCannedResponses(): CannedResponse[] | undefined {
  return useReplicaList('canned_responses', readCanned);
}
