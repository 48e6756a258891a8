import { useEffect, useState } from 'react';
import type { Team } from '#contract/api/teams';
import type { Label } from '#contract/api/labels';
import type { BusinessHoursRow } from '#contract/api/organization';
import type { CannedResponse } from '#contract/api/canned-responses';
import type { Member } from '#contract/api/users';
import type { Result } from '#contract/result';
import { coalesce } from './coalesce';
import type { ParleyClient } from './parley-client';
import { useParleyClient } from './ParleyProvider';

/** A replica list read once, then again whenever `replica:changed` names one of its tables. */
function useReplicaList<T>(
  table: string | readonly string[],
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
      if (typeof table === 'string' ? c.tables.includes(table) : table.some((t) => c.tables.includes(t)))
        run.run();
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

/** What the canned list is read from: the server's rows and the writes queued on this device. */
const CANNED_TABLES = ['canned_responses', 'pending_patches'] as const;

/**
 * The canned responses I may use (the organization's and my own) from the replica, by shortcut,
 * with the changes made on this device and not yet synced.
 */
export function useCannedResponses(): CannedResponse[] | undefined {
  return useReplicaList(CANNED_TABLES, readCanned);
}

const readHours = async (c: ParleyClient): Promise<Result<BusinessHoursRow[]>> => {
  const r = await c.call('organization:businessHours');
  return r.ok ? { ok: true, value: r.value ? [r.value] : [] } : r;
};

/**
 * The organization's business hours and away-message state from the replica (offline too):
 * `undefined` until read, `null` before the first sync brought them.
 */
export function useBusinessHours(): BusinessHoursRow | null | undefined {
  const rows = useReplicaList('business_hours', readHours);
  return rows === undefined ? undefined : (rows[0] ?? null);
}
