import { randomUUID } from 'node:crypto';
import type { Job, JobHandler, JobQueue } from '../storage/job-queue';
import { createWakeableSleep, settleJob } from './loop-parts';

export type { JobHandler, JobOutcome } from '../storage/job-queue';

export type WorkerOptions<P> = {
  queue: string;
  jobs: JobQueue;
  handler: JobHandler<P>;
  /** Jobs claimed per poll and run concurrently (default 4). */
  concurrency?: number;
  /** Sleep between polls when idle; doubles up to `maxIdleMs` (defaults 50 ms → 1 s). */
  idleMs?: number;
  maxIdleMs?: number;
  /** Lease per claim (default 60 s): a crashed worker's job is claimed again after it. */
  leaseMs?: number;
  /** Errors of the loop itself (database down…), with a back-off; default: ignored. */
  onError?: (error: unknown) => void;
  workerId?: string;
};

/** A running poll loop for one queue. */
export type Worker = {
  readonly workerId: string;
  start: () => void;
  /** Ends the idle sleep now (call after committing an enqueue, or from a LISTEN callback). */
  wake: () => void;
  /** Stops claiming and resolves when in-flight jobs have settled. */
  stop: () => Promise<void>;
  /** Resolves when a poll found nothing to do (tests: "drain until idle"). */
  idle: () => Promise<void>;
};

/**
 * A polling loop per queue: claim a batch, run the handlers concurrently, settle each, repeat
 * at once while there is work; when idle, sleep briefly (growing to `maxIdleMs`) or until
 * `wake()`. No LISTEN connection is needed; a pg_notify listener may call `wake()`.
 */
export function createWorker<P = unknown>(opts: WorkerOptions<P>): Worker {
  const workerId = opts.workerId ?? `${opts.queue}:${randomUUID()}`;
  const { jobs } = opts;
  const idleMin = opts.idleMs ?? 50;
  const idleMax = opts.maxIdleMs ?? 1_000;
  let running = false;
  let loop: Promise<void> | undefined;
  const { sleep, wake } = createWakeableSleep();
  /** Claims started so far; an idle() waiter needs an empty claim that started after it asked. */
  let polls = 0;
  let idleWaiters: { after: number; resolve: () => void }[] = [];

  const settle = (job: Job<P>) => settleJob(jobs, opts.handler, job, workerId);

  const run = async () => {
    let idle = idleMin;
    await jobs.recoverExpired(opts.queue).catch((e: unknown) => opts.onError?.(e));
    while (running) {
      let claimed: Job[] = [];
      const poll = ++polls;
      try {
        claimed = await jobs.claim(opts.queue, {
          workerId,
          limit: opts.concurrency ?? 4,
          ...(opts.leaseMs !== undefined && { leaseMs: opts.leaseMs }),
        });
      } catch (e) {
        opts.onError?.(e);
        await sleep(idleMax);
        continue;
      }
      if (claimed.length === 0) {
        const ready = idleWaiters.filter((w) => w.after < poll);
        idleWaiters = idleWaiters.filter((w) => w.after >= poll);
        ready.forEach((w) => w.resolve());
        await sleep(idle);
        idle = Math.min(idleMax, idle * 2);
        continue;
      }
      idle = idleMin;
      await Promise.all(
        claimed.map((job) =>
          settle(job as Job<P>).catch((e: unknown) => {
            // Settling itself failed (database down): the lease expires and the job runs again.
            opts.onError?.(e);
          }),
        ),
      );
    }
  };

  return {
    workerId,
    start: () => {
      if (running) return;
      running = true;
      loop = run();
    },
    wake,
    stop: async () => {
      running = false;
      wake();
      await loop;
      const waiters = idleWaiters;
      idleWaiters = [];
      waiters.forEach((w) => w.resolve());
    },
    idle: () =>
      new Promise<void>((resolve) => {
        if (!running) return resolve();
        idleWaiters.push({ after: polls, resolve });
        wake();
      }),
  };
}
