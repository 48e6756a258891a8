import { sql } from 'drizzle-orm';
import type { Clock } from '../../lib/clock';
import { reconcileByCallbackData } from './message-status';
import { failMessages } from './send-results';
import { MAY_NOT_HAVE_BEEN_SENT, type ReconcilePayload } from './send-queue';
import { recordChanges, rowsOf, type Change } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import type { JobHandler, JobQueue } from '../../storage/job-queue';
import type { SendJobs } from '../../storage/send-jobs';

/**
 * The reconcile job that follows an ambiguous send (a timeout or lost connection after the
 * request left, or a job taken back after a crash): when a status webhook named our message by
 * `biz_opaque_callback_data`, the send happened and its wamid is attached; otherwise a message
 * still queued without a wamid fails "may not have been sent" (sync-protocol decision 2) and is
 * never resent. The send job leaves `awaiting_status` in the same transaction.
 */
export function createSendReconcileHandler(deps: {
  db: Db;
  clock: Clock;
  jobs: Pick<JobQueue, 'complete'>;
  sendJobs: Pick<SendJobs, 'finishAwaiting'>;
}): JobHandler<ReconcilePayload> {
  const { db, clock, jobs, sendJobs } = deps;
  return async (job, { workerId }) => {
    const organizationId = job.organizationId!;
    const { messageId, sendJobId } = job.payload;
    const now = clock.now();
    await db.transaction(async (tx) => {
      const changes: Change[] = [];
      const hit = await reconcileByCallbackData(tx, organizationId, messageId, now);
      let settled: 'done' | 'failed' = 'done';
      if (hit) changes.push(...hit.changes);
      else {
        const [m] = rowsOf<{ status: string; wa_message_id: string | null }>(
          await tx.execute(sql`
            select status, wa_message_id from messages where organization_id = ${organizationId} and id = ${messageId}
            for update`),
        );
        if (m && m.status === 'queued' && !m.wa_message_id) {
          const failed = {
            id: messageId,
            c: MAY_NOT_HAVE_BEEN_SENT.code,
            t: null,
            m: MAY_NOT_HAVE_BEEN_SENT.message,
          };
          changes.push(...(await failMessages(tx, organizationId, [failed], now)));
          settled = 'failed';
        }
      }
      const error = settled === 'failed' ? 'no status webhook within the reconcile window' : null;
      await sendJobs.finishAwaiting(tx, sendJobId, settled, error, now);
      await jobs.complete(job, workerId, tx);
      await recordChanges(tx, organizationId, changes);
    });
    return { kind: 'settled' };
  };
}
