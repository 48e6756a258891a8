import type { Db } from '../../storage/db';
import type { Actor, AuditEventInput, AuditLog } from './audit-log';

// The audit of writes made with an API key (issue 10) is recorded after the answer, one event per
// request: at hundreds of sends per second that was one INSERT, and one commit, each. Here the
// events that arrive while one insert runs wait and go together in the next (the first goes at
// once, so a quiet server records as before). A batch that fails is recorded event by event, so
// one bad event loses only itself.

/** One event to record outside any transaction. */
export type StandaloneEvent = { organizationId: string; actor: Actor; event: AuditEventInput };

type Waiting = { e: StandaloneEvent; resolve: () => void; reject: (e: unknown) => void };

/** Records standalone events, coalescing concurrent ones into multi-row inserts. */
export function createCoalescedAudit(db: Db, audit: Pick<AuditLog, 'record' | 'recordMany'>) {
  let waiting: Waiting[] = [];
  let running = false;

  const pump = async () => {
    running = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting;
        waiting = [];
        try {
          await audit.recordMany(
            db,
            batch.map((w) => w.e),
          );
          for (const w of batch) w.resolve();
        } catch (e) {
          if (batch.length === 1) batch[0]!.reject(e);
          else
            for (const w of batch)
              await audit.record(db, w.e.organizationId, w.e.actor, w.e.event).then(w.resolve, w.reject);
        }
      }
    } finally {
      running = false;
    }
  };

  return {
    /** Resolves once the event is stored (rejects when it could not be). */
    record: (e: StandaloneEvent): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ e, resolve, reject });
        if (!running) void pump();
      }),
  };
}
