import { sql, type SQL } from 'drizzle-orm';
import type { Clock } from '../lib/clock';
import { rowsOf } from './change-log';
import type { Db, Tx } from './db';

/** Anything that can run a statement: the caller's transaction, or the database. */
type Executor = Pick<Db | Tx, 'execute'>;

/** A job to enqueue. */
export type NewJob = {
  queue: string;
  organizationId?: string | null;
  payload?: unknown;
  /** At most one job per (queue, dedupeKey) ever exists; enqueueing it again is a no-op. */
  dedupeKey?: string | null;
  /** Jobs sharing a key run one at a time, in id order (e.g. a conversation id for sends). */
  orderingKey?: string | null;
  runAt?: Date;
  maxAttempts?: number;
};

/** A claimed job. `attempts` counts this attempt. */
export type Job<P = unknown> = {
  id: number;
  queue: string;
  organizationId: string | null;
  payload: P;
  dedupeKey: string | null;
  orderingKey: string | null;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  createdAt: Date;
};

/** Backoff of {@link JobQueue.fail}: base·2^(attempt−1), capped, with full jitter in [½, 1]. */
export type Backoff = { baseMs: number; maxMs: number };
const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 5 * 60_000 };

/** The transactional job queue over the `jobs` table. */
export type JobQueue = ReturnType<typeof createJobQueue>;

type JobRow = {
  id: string | number;
  queue: string;
  organization_id: string | null;
  payload: unknown;
  dedupe_key: string | null;
  ordering_key: string | null;
  attempts: number;
  max_attempts: number;
  run_at: string | Date;
  created_at: string | Date;
};

const rowToJob = (r: JobRow): Job => ({
  id: Number(r.id),
  queue: r.queue,
  organizationId: r.organization_id,
  payload: r.payload,
  dedupeKey: r.dedupe_key,
  orderingKey: r.ordering_key,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  runAt: new Date(r.run_at),
  createdAt: new Date(r.created_at),
});

/**
 * A job queue in PostgreSQL (works the same on PGlite). Enqueue runs inside the caller's
 * transaction, so a job exists exactly when the write that needs it committed. Claims use
 * `FOR UPDATE SKIP LOCKED` and a lease (`locked_until`); a worker that dies leaves its jobs to be
 * claimed again once the lease expires. Times come from the injected clock.
 */
export function createJobQueue(deps: {
  db: Db;
  clock: Clock;
  random?: () => number;
  /**
   * Prefix of every queue name: independent Parley apps sharing one database (test workers on
   * one PostgreSQL database) never take each other's jobs. Empty in production.
   */
  namespace?: string;
}) {
  const { db, clock } = deps;
  const random = deps.random ?? Math.random;
  const prefix = deps.namespace ? `${deps.namespace}:` : '';
  const q = (queue: string) => prefix + queue;
  const toJob = (r: JobRow): Job => ({ ...rowToJob(r), queue: r.queue.slice(prefix.length) });

  /** Inserts jobs (one statement); returns the new ids (deduplicated ones are skipped). */
  const enqueueMany = async (tx: Executor, jobs: readonly NewJob[]): Promise<number[]> => {
    if (jobs.length === 0) return [];
    const now = clock.now();
    const json = JSON.stringify(
      jobs.map((j) => ({
        q: q(j.queue),
        o: j.organizationId ?? null,
        p: j.payload ?? {},
        d: j.dedupeKey ?? null,
        k: j.orderingKey ?? null,
        r: (j.runAt ?? now).toISOString(),
        m: j.maxAttempts ?? 10,
      })),
    );
    const queues = [...new Set(jobs.map((j) => q(j.queue)))].join(',');
    const res = await tx.execute(sql`
      with ins as (
        insert into jobs (queue, organization_id, payload, dedupe_key, ordering_key, run_at, max_attempts, created_at, updated_at)
        select j.q, j.o, j.p, j.d, j.k, j.r, j.m, ${now}, ${now}
        from json_to_recordset(${json}::json) as j(q text, o uuid, p jsonb, d text, k text, r timestamptz, m int)
        on conflict (queue, dedupe_key) do nothing
        returning id
      )
      select id, pg_notify('jobs', ${queues}) from ins`);
    return rowsOf<{ id: string | number }>(res).map((r) => Number(r.id));
  };

  return {
    /** Enqueues one job in `tx`; null when (queue, dedupeKey) already exists. */
    enqueue: async (tx: Executor, job: NewJob): Promise<number | null> =>
      (await enqueueMany(tx, [job]))[0] ?? null,
    enqueueMany,

    /**
     * Claims up to `limit` runnable jobs of `queue` for `workerId`: pending and due, or running
     * with an expired lease; a job waits while an earlier unfinished job has its ordering key.
     */
    claim: async (
      queue: string,
      opts: { workerId: string; limit?: number; leaseMs?: number },
    ): Promise<Job[]> => {
      const now = clock.now();
      const until = new Date(now.getTime() + (opts.leaseMs ?? 60_000));
      const res = await db.execute(sql`
        with picked as (
          select j.id from jobs j
          where j.queue = ${q(queue)} and j.run_at <= ${now}
            and (j.state = 'pending' or (j.state = 'running' and j.locked_until < ${now}))
            and (j.ordering_key is null or not exists (
              select 1 from jobs e
              where e.queue = j.queue and e.ordering_key = j.ordering_key and e.id < j.id
                and e.state in ('pending', 'running')))
          order by j.run_at, j.id
          limit ${opts.limit ?? 10}
          for update skip locked
        )
        update jobs set state = 'running', locked_by = ${opts.workerId}, locked_until = ${until},
          attempts = jobs.attempts + 1, updated_at = ${now}
        from picked where jobs.id = picked.id
        returning jobs.id, jobs.queue, jobs.organization_id, jobs.payload, jobs.dedupe_key, jobs.ordering_key,
          jobs.attempts, jobs.max_attempts, jobs.run_at, jobs.created_at`);
      return rowsOf<JobRow>(res)
        .map(toJob)
        .sort((a, b) => a.id - b.id);
    },

    /** Marks a claimed job done. False when the lease was lost (another worker owns it now). */
    complete: async (job: Pick<Job, 'id'>, workerId: string, tx: Executor = db): Promise<boolean> => {
      const res = await tx.execute(sql`
        update jobs set state = 'done', locked_by = null, locked_until = null, last_error = null, updated_at = ${clock.now()}
        where id = ${job.id} and locked_by = ${workerId} and state = 'running' returning id`);
      return rowsOf(res).length > 0;
    },

    /**
     * Records a failed attempt: retried after backoff with jitter (or `retryAfterMs`), or failed
     * for good when `permanent` or out of attempts. Returns the new state.
     */
    fail: async (
      job: Pick<Job, 'id' | 'attempts' | 'maxAttempts'>,
      workerId: string,
      error: string,
      opts: { permanent?: boolean; retryAfterMs?: number; backoff?: Backoff } = {},
    ): Promise<'pending' | 'failed'> => {
      const now = clock.now();
      const final = opts.permanent === true || job.attempts >= job.maxAttempts;
      const b = opts.backoff ?? DEFAULT_BACKOFF;
      const delay =
        opts.retryAfterMs ??
        Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, job.attempts - 1)) * (0.5 + random() / 2);
      await db.execute(sql`
        update jobs set state = ${final ? 'failed' : 'pending'}, locked_by = null, locked_until = null,
          last_error = ${error.slice(0, 2000)}, run_at = ${final ? now : new Date(now.getTime() + delay)}, updated_at = ${now}
        where id = ${job.id} and locked_by = ${workerId}`);
      return final ? 'failed' : 'pending';
    },

    /** Puts a claimed job back to run at `runAt` without counting this attempt (throttling, waiting). */
    reschedule: async (job: Pick<Job, 'id'>, workerId: string, runAt: Date): Promise<void> => {
      await db.execute(sql`
        update jobs set state = 'pending', locked_by = null, locked_until = null, run_at = ${runAt},
          attempts = greatest(jobs.attempts - 1, 0), updated_at = ${clock.now()}
        where id = ${job.id} and locked_by = ${workerId}`);
    },

    /**
     * Frees a claimed job's dedupe key, so the same key can be enqueued again while this job
     * runs: a coalescing job ("sync this account soon") takes its key back at claim time, and a
     * request that arrives after the work started gets a run of its own instead of being lost.
     */
    releaseDedupeKey: async (job: Pick<Job, 'id'>, workerId: string): Promise<void> => {
      await db.execute(sql`
        update jobs set dedupe_key = null, updated_at = ${clock.now()}
        where id = ${job.id} and locked_by = ${workerId} and state = 'running'`);
    },

    /**
     * Makes the waiting jobs of `queue` whose dedupe key `keys` selects (a subquery returning
     * text) due now: work parked behind a limit is woken when the limit frees. Counts them.
     */
    advance: async (queue: string, keys: SQL): Promise<number> => {
      const now = clock.now();
      const res = await db.execute(sql`
        update jobs set run_at = ${now}, updated_at = ${now}
        where queue = ${q(queue)} and state = 'pending' and run_at > ${now} and dedupe_key in (${keys})
        returning id`);
      return rowsOf(res).length;
    },

    /**
     * Ends the unfinished jobs of `queue` with these dedupe keys as done: their work was already
     * done elsewhere (a webhook slot chained through their deliveries). A running one loses its
     * lease, so what its handler then returns (typically "busy, try again when the lease that
     * was just settled runs out") writes nothing: leaving it running let it put itself back to
     * pending for another ~10 s after its work was done. Counts them.
     */
    dismiss: async (queue: string, dedupeKeys: readonly string[]): Promise<number> => {
      if (dedupeKeys.length === 0) return 0;
      const now = clock.now();
      const res = await db.execute(sql`
        update jobs set state = 'done', locked_by = null, locked_until = null, updated_at = ${now}
        where queue = ${q(queue)} and state in ('pending', 'running')
          and dedupe_key in (${sql.join(
            dedupeKeys.map((k) => sql`${k}`),
            sql`, `,
          )})
        returning id`);
      return rowsOf(res).length;
    },

    /** Extends the lease of a long-running job. */
    extendLease: async (job: Pick<Job, 'id'>, workerId: string, leaseMs: number): Promise<boolean> => {
      const res = await db.execute(sql`
        update jobs set locked_until = ${new Date(clock.now().getTime() + leaseMs)}
        where id = ${job.id} and locked_by = ${workerId} and state = 'running' returning id`);
      return rowsOf(res).length > 0;
    },

    /**
     * Returns jobs whose lease expired to pending (claim also takes them; this makes the state
     * honest for inspection and is run by workers on start). Counts recovered jobs.
     */
    recoverExpired: async (queue?: string): Promise<number> => {
      const now = clock.now();
      const res = await db.execute(sql`
        update jobs set state = 'pending', locked_by = null, locked_until = null, updated_at = ${now}
        where state = 'running' and locked_until < ${now} ${queue ? sql`and queue = ${q(queue)}` : sql``}
        returning id`);
      return rowsOf(res).length;
    },

    /** Deletes done and failed jobs last updated before `before` (retention). */
    prune: async (before: Date): Promise<number> => {
      const res = await db.execute(sql`
        delete from jobs where state in ('done', 'failed') and updated_at < ${before} returning id`);
      return rowsOf(res).length;
    },
  };
}

/**
 * What a handler decides. Returning nothing completes the job; throwing retries it with backoff.
 * - `retry`: failed attempt, retried after backoff (or `afterMs`), unless out of attempts;
 * - `fail`: permanent failure, never retried;
 * - `reschedule`: not an attempt (throttled, waiting on something), run again at `at`.
 * A handler that already settled the job itself (e.g. completed it inside its own transaction
 * with `queue.complete(job, workerId, tx)`) returns `settled`.
 */
export type JobOutcome =
  | void
  | { kind: 'done' }
  | { kind: 'retry'; error: string; afterMs?: number }
  | { kind: 'fail'; error: string }
  | { kind: 'reschedule'; at: Date }
  | { kind: 'settled' };

/** A handler with the worker's id (for settling inside its own transaction). */
export type JobHandler<P = unknown> = (job: Job<P>, ctx: { workerId: string }) => Promise<JobOutcome>;
