import { useEffect, useState } from 'react';
import type { Workload } from '#contract/ipc/assignment';
import { coalesce, useParleyClient } from '../../api';

/**
 * The workload view's counts from the replica, read again whenever conversations change there
 * (a new message, a reassignment from any device), so they move live without a server round trip.
 */
export function useWorkload(): Workload | undefined {
  const client = useParleyClient();
  const [workload, setWorkload] = useState<Workload | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const run = coalesce(async () => {
      const r = await client.call('workload:get');
      if (live && r.ok) setWorkload(r.value);
    });
    run.run();
    const off = client.subscribe('replica:changed', (c) => {
      if (c.tables.includes('conversations')) run.run();
    });
    return () => {
      live = false;
      run.cancel();
      off();
    };
  }, [client]);
  return workload;
}
