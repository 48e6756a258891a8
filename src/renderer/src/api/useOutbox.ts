import { useCallback, useEffect, useState } from 'react';
import type { OutboxItem } from '#contract/ipc/contract';
import type { AppError, Result } from '#contract/result';
import { coalesce } from './coalesce';
import { useParleyClient } from './ParleyProvider';

/** Tables whose changes alter the outbox tray. */
const OUTBOX_TABLES = ['outbox', 'pending_messages', 'pending_patches'];

/** What {@link useOutbox} returns. */
export interface OutboxApi {
  /** Pending and failed writes, oldest first; `undefined` until read (or while disabled). */
  items: OutboxItem[] | undefined;
  /** Why the list could not be read. */
  error: AppError | null;
  /** Re-queues a failed write as a new one. */
  retry(mutationId: number): Promise<Result<unknown>>;
  /** Drops a failed or never-sent write and its local effect. */
  discard(mutationId: number): Promise<Result<unknown>>;
}

/**
 * The outbox tray's items (`outbox:list`), read while `enabled` (the tray is open) and again
 * on every `replica:changed` of the outbox tables or `sync:status` event (an item was sent,
 * acknowledged or refused).
 */
export function useOutbox(enabled: boolean): OutboxApi {
  const client = useParleyClient();
  const [items, setItems] = useState<OutboxItem[] | undefined>(undefined);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const read = coalesce(async () => {
      const r = await client.call('outbox:list');
      if (!live) return;
      if (r.ok) {
        setItems(r.value);
        setError(null);
      } else {
        setError(r.error);
      }
    });
    read.run();
    const offChanged = client.subscribe('replica:changed', (c) => {
      if (c.tables.some((t) => OUTBOX_TABLES.includes(t))) read.run();
    });
    const offStatus = client.subscribe('sync:status', () => read.run());
    return () => {
      live = false;
      read.cancel();
      offChanged();
      offStatus();
    };
  }, [client, enabled]);

  const retry = useCallback((mutationId: number) => client.call('outbox:retry', { mutationId }), [client]);
  const discard = useCallback(
    (mutationId: number) => client.call('outbox:discard', { mutationId }),
    [client],
  );
  return { items: enabled ? items : undefined, error, retry, discard };
}
