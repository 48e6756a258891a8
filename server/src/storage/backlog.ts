import { sql } from 'drizzle-orm';
import { rowsOf } from './change-log';
import type { Db } from './db';

// What an operator scrapes about work waiting in the database (`GET /metrics`): the job queue per
// queue and the webhook receipts not processed yet. Both read partial indexes of open rows only
// (`jobs_claim_idx`, `webhook_receipts_unprocessed_idx`), so a scrape stays cheap however long
// the history.

/** Open work of one job queue. */
export type QueueBacklog = {
  queue: string;
  /** Pending jobs due now plus running ones. */
  depth: number;
  /** Seconds since the oldest due pending job became due (0 when none waits). */
  oldestAgeSeconds: number;
};

/** Open jobs per queue. */
export async function jobBacklog(db: Db): Promise<QueueBacklog[]> {
  const rows = rowsOf<{ queue: string; depth: string | number; age: string | number | null }>(
    await db.execute(sql`
      select queue, count(*) as depth,
        extract(epoch from now() - min(run_at) filter (where state = 'pending')) as age
      from jobs where state in ('pending', 'running') and run_at <= now()
      group by queue`),
  );
  return rows.map((r) => ({
    queue: r.queue,
    depth: Number(r.depth),
    oldestAgeSeconds: Math.max(0, Number(r.age ?? 0)),
  }));
}

/** Webhook receipts stored and not processed yet, and the age of the oldest. */
export async function receiptBacklog(db: Db): Promise<{ depth: number; oldestAgeSeconds: number }> {
  const [row] = rowsOf<{ depth: string | number; age: string | number | null }>(
    await db.execute(sql`
      select count(*) as depth, extract(epoch from now() - min(received_at)) as age
      from webhook_receipts where processed_at is null`),
  );
  return { depth: Number(row?.depth ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
}
