import { sql } from 'drizzle-orm';
import type { Clock } from '../lib/clock';
import { rowsOf } from './change-log';
import type { Db, Tx } from './db';

// The send queues' own statements on the jobs table. Sending needs more than the generic queue
// (job-queue.ts) offers: a claim that says whether a job was taken back from a holder whose lease
// expired (it may have reached Meta), one scan for the numbers with due work, and settling a
// whole batch of results inside the transaction that writes them. Queue names arrive without the
// namespace; it is added here exactly as job-queue.ts adds it.

/** A claimed send job. `attempts` counts this attempt. */
export type ClaimedSend = {
  id: number;
  organizationId: string;
  messageId: string;
  conversationId: string;
  attempts: number;
  maxAttempts: number;
  /** `running` when the job was taken back from a holder whose lease expired (a crash). */
  prevState: string;
};

/**
 * How one claimed job settles: state `s`, next run `r` (ISO, null keeps it), last error `e`, and
 * `d` added to its attempts (-1: this claim was not an attempt).
 */
export type SendJobSettlement = { id: number; s: string; r: string | null; e: string | null; d: number };

/** The send queues' statements (see {@link createSendJobs}). */
export type SendJobs = ReturnType<typeof createSendJobs>;

/** Creates the send queues' statements over the jobs table. Times come from the injected clock. */
export function createSendJobs(deps: { db: Db; clock: Clock; namespace?: string | undefined }) {
  const { db, clock } = deps;
  const prefix = deps.namespace ? `${deps.namespace}:` : '';
  /** The stored name of a queue (with the namespace). */
  const qn = (queue: string) => prefix + queue;
  /** The first name after every name that starts with `p` (`send:` → `send;`). */
  const after = (p: string) => p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);

  return {
    /**
     * Claims up to `limit` due jobs of `queue` in id order, skipping a job while an earlier job of
     * its ordering key is pending or running (one send in flight per conversation). Jobs whose
     * holder's lease expired are taken back too, flagged by `prevState`.
     */
    claim: async (
      queue: string,
      o: { workerId: string; limit: number; leaseMs: number },
    ): Promise<ClaimedSend[]> => {
      const now = clock.now();
      const until = new Date(now.getTime() + o.leaseMs);
      const res = await db.execute(sql`
        with picked as (
          select j.id, j.state as prev_state from jobs j
          where j.queue = ${qn(queue)} and j.run_at <= ${now}
            and (j.state = 'pending' or (j.state = 'running' and j.locked_until < ${now}))
            and (j.ordering_key is null or not exists (
              select 1 from jobs e
              where e.queue = j.queue and e.ordering_key = j.ordering_key and e.id < j.id
                and e.state in ('pending', 'running')))
          order by j.run_at, j.id
          limit ${o.limit}
          for update skip locked
        )
        update jobs set state = 'running', locked_by = ${o.workerId}, locked_until = ${until},
          attempts = jobs.attempts + 1, updated_at = ${now}
        from picked where jobs.id = picked.id
        returning jobs.id, jobs.organization_id, jobs.payload, jobs.ordering_key, jobs.attempts, jobs.max_attempts,
          picked.prev_state`);
      return rowsOf<{
        id: string | number;
        organization_id: string;
        payload: { messageId: string };
        ordering_key: string;
        attempts: number;
        max_attempts: number;
        prev_state: string;
      }>(res)
        .map((r) => ({
          id: Number(r.id),
          organizationId: r.organization_id,
          messageId: r.payload.messageId,
          conversationId: r.ordering_key,
          attempts: r.attempts,
          maxAttempts: r.max_attempts,
          prevState: r.prev_state,
        }))
        .sort((a, b) => a.id - b.id);
    },

    /**
     * Connected accounts with due jobs in their queue `<queuePrefix><accountId>`: one loose index
     * scan over the queue names, then the accounts.
     */
    accountsWithWork: async (queuePrefix: string): Promise<{ id: string; organizationId: string }[]> => {
      const now = clock.now();
      const from = qn(queuePrefix);
      const to = after(from);
      const queues = rowsOf<{ queue: string }>(
        await db.execute(sql`
          with recursive q as (
            (select queue from jobs where queue > ${from} and queue < ${to}
               and state in ('pending', 'running') and run_at <= ${now} order by queue limit 1)
            union all
            select (select queue from jobs where queue > q.queue and queue < ${to}
                      and state in ('pending', 'running') and run_at <= ${now} order by queue limit 1)
            from q where q.queue is not null
          )
          select queue from q where queue is not null`),
      );
      if (queues.length === 0) return [];
      const ids = JSON.stringify(queues.map((q) => q.queue.slice(from.length)));
      return rowsOf<{ id: string; organization_id: string }>(
        await db.execute(sql`
          select id, organization_id from whatsapp_accounts
          where status = 'connected' and id::text in (select value from json_array_elements_text(${ids}::json))`),
      ).map((r) => ({ id: r.id, organizationId: r.organization_id }));
    },

    /** Due jobs of the `queues` plus those of connected accounts' `<queuePrefix><accountId>` queues. */
    dueCount: async (queuePrefix: string, queues: readonly string[]): Promise<number> => {
      const now = clock.now();
      const from = qn(queuePrefix);
      const to = after(from);
      const [r] = rowsOf<{ n: string | number }>(
        await db.execute(sql`
          select count(*) as n from jobs j
          where j.state in ('pending', 'running') and j.run_at <= ${now}
            and (j.queue in (${sql.join(
              queues.map((q) => sql`${qn(q)}`),
              sql`, `,
            )})
              or (j.queue > ${from} and j.queue < ${to} and exists (
                select 1 from whatsapp_accounts a where a.status = 'connected'
                  and ${from} || a.id::text = j.queue)))`),
      );
      return Number(r?.n ?? 0);
    },

    /** Settles claimed jobs in `tx` (one statement); jobs this worker no longer holds are left alone. */
    settle: async (
      tx: Tx,
      workerId: string,
      settlements: readonly SendJobSettlement[],
      now: Date,
    ): Promise<void> => {
      if (settlements.length === 0) return;
      await tx.execute(sql`
        update jobs j set state = v.s, run_at = coalesce(v.r, j.run_at), last_error = v.e,
          attempts = greatest(j.attempts + v.d, 0), locked_by = null, locked_until = null, updated_at = ${now}
        from json_to_recordset(${JSON.stringify(settlements)}::json) as v(id bigint, s text, r timestamptz, e text, d int)
        where j.id = v.id and j.locked_by = ${workerId}`);
    },

    /** Ends a job waiting in `awaiting_status` (an ambiguous send) as done or failed. */
    finishAwaiting: async (
      tx: Tx,
      jobId: number,
      state: 'done' | 'failed',
      error: string | null,
      now: Date,
    ): Promise<void> => {
      await tx.execute(sql`
        update jobs set state = ${state}, updated_at = ${now}, last_error = ${error}
        where id = ${jobId} and state = 'awaiting_status'`);
    },
  };
}
