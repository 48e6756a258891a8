import { useEffect, useState } from 'react';
import type { SyncStatus } from '#contract/ipc/contract';
import { useParleyClient } from './ParleyProvider';

/** What the header shows until `sync:getStatus` answers. */
export const INITIAL_SYNC_STATUS: SyncStatus = {
  state: 'connecting',
  offlineSince: null,
  progress: null,
  outboxSize: 0,
  lastError: null,
};

/** The latest connection and sync state: `sync:getStatus` once, then `sync:status` events. */
export function useSyncStatus(): SyncStatus {
  const client = useParleyClient();
  const [status, setStatus] = useState<SyncStatus>(INITIAL_SYNC_STATUS);
  useEffect(() => {
    let hasEvent = false;
    const unsubscribe = client.subscribe('sync:status', (next) => {
      hasEvent = true;
      setStatus(next);
    });
    void client.call('sync:getStatus').then((result) => {
      // An event that arrived while the call was in flight is newer than its answer.
      if (result.ok && !hasEvent) setStatus(result.value);
    });
    return () => {
      hasEvent = true;
      unsubscribe();
    };
  }, [client]);
  return status;
}
