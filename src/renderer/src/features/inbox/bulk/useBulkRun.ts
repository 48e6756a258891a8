import { useCallback, useEffect, useRef, useState } from 'react';
import type { In, Queued } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { coalesce, useParleyClient, type ParleyClient } from '../../../api';
import type { BulkAction, BulkWrite } from './bulk-actions';
import { createBulkRun, type BulkProgress, type BulkRun, type BulkTarget } from './bulk-runner';

/** Tables whose changes can settle an outbox item. */
const OUTBOX_TABLES = ['outbox', 'pending_patches'];
/** A run that ended without refusals leaves its notice this long (ms). */
const SUCCESS_NOTICE_MS = 8_000;

/** One write through its own channel (each branch typed by the contract). */
function write(client: ParleyClient, w: BulkWrite): Promise<Result<Queued>> {
  switch (w.channel) {
    case 'conversation:assign':
      return client.call(w.channel, w.input as In<'conversation:assign'>);
    case 'conversation:setStatus':
      return client.call(w.channel, w.input as In<'conversation:setStatus'>);
    case 'conversation:setLabels':
      return client.call(w.channel, w.input as In<'conversation:setLabels'>);
    case 'conversation:markRead':
      return client.call(w.channel, w.input as In<'conversation:markRead'>);
    case 'conversation:markUnread':
      return client.call(w.channel, w.input as In<'conversation:markUnread'>);
  }
}

/** What {@link useBulkRun} returns. */
export interface BulkRunApi {
  /** The current (or last) run's progress; null when there is no notice. */
  progress: BulkProgress | null;
  start(action: BulkAction, targets: readonly BulkTarget[]): void;
  dismiss(): void;
}

/**
 * Runs bulk actions (one at a time: a new one replaces the notice of the last) and keeps their
 * progress current as the outbox drains: every `replica:changed` of the outbox tables and every
 * `sync:status` re-reads it (coalesced).
 */
export function useBulkRun(): BulkRunApi {
  const client = useParleyClient();
  const [progress, setProgress] = useState<BulkProgress | null>(null);
  const run = useRef<BulkRun | null>(null);

  useEffect(() => {
    const refresh = coalesce(async () => {
      await run.current?.refresh();
    });
    const offChanged = client.subscribe('replica:changed', (c) => {
      if (c.tables.some((t) => OUTBOX_TABLES.includes(t))) refresh.run();
    });
    const offStatus = client.subscribe('sync:status', () => refresh.run());
    return () => {
      refresh.cancel();
      offChanged();
      offStatus();
    };
  }, [client]);

  useEffect(() => {
    if (!progress?.finished || progress.failed.length > 0) return undefined;
    const timer = window.setTimeout(() => setProgress(null), SUCCESS_NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [progress]);

  const start = useCallback(
    (action: BulkAction, targets: readonly BulkTarget[]) => {
      const r = createBulkRun(
        action,
        targets,
        { write: (w) => write(client, w), listOutbox: () => client.call('outbox:list') },
        (p) => {
          // A newer run owns the notice.
          if (run.current === r) setProgress(p);
        },
      );
      run.current = r;
      void r.start();
    },
    [client],
  );
  const dismiss = useCallback(() => {
    run.current = null;
    setProgress(null);
  }, []);
  return { progress, start, dismiss };
}
