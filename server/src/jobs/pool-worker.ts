import { randomUUID } from 'node:crypto';
import type { Job, JobHandler, JobQueue } from '../storage/job-queue';
import { createWakeableSleep, settleJob } from './loop-parts';

/** Options of {@link createPoolWorker}. */
export type PoolWorkerOptions = {
  queue: string;
  jobs: JobQueue;
  handler: JobHandler;
  /** Jobs in flight at most (default 32). */
  size?: number;
  /** Lease per claim (default 60 s). */
  leaseMs?: number;
  /** Longest sleep when idle (default 1 s); `wake()` ends it. */
  maxIdleMs?: number;
  onError?: (error: unknown) => void;
};

/** A running pool. */
export type PoolWorker = {
  readonly workerId: string;
  start: () => void;
  wake: () => void;
  stop: () => Promise<void>;
  /** Jobs running now. */
  inFlight: () => number;
};

/**
 * A worker whose slots refill as soon as one frees, unlike `createWorker`, which waits for its
 * whole batch: one slow job (a webhook receiver taking its full 10 s) holds one slot, never the
 * others, so a slow endpoint never delays the rest.
 */
export function createPoolWorker(opts: PoolWorkerOptions): PoolWorker {
  const workerId = `${opts.queue}:${randomUUID()}`;
  const size = opts.size ?? 32;
  const maxIdle = opts.maxIdleMs ?? 1_000;
  const running = new Set<Promise<void>>();
  let active = false;
  let loop: Promise<void> | undefined;
  const { sleep, wake } = createWakeableSleep();

  const settle = (job: Job) => settleJob(opts.jobs, opts.handler, job, workerId);

  const run = async () => {
    await opts.jobs.recoverExpired(opts.queue).catch((e: unknown) => opts.onError?.(e));
    let idle = 10;
    while (active) {
      const free = size - running.size;
      if (free <= 0) {
        await Promise.race(running);
        continue;
      }
      let claimed: Job[] = [];
      try {
        claimed = await opts.jobs.claim(opts.queue, {
          workerId,
          limit: free,
          ...(opts.leaseMs !== undefined && { leaseMs: opts.leaseMs }),
        });
      } catch (e) {
        opts.onError?.(e);
        await sleep(maxIdle);
        continue;
      }
      for (const job of claimed) {
        const p: Promise<void> = settle(job)
          .catch((e: unknown) => opts.onError?.(e))
          .finally(() => {
            running.delete(p);
            // A freed slot may take a job that is due now.
            wake();
          });
        running.add(p);
      }
      if (claimed.length > 0) {
        idle = 10;
        continue;
      }
      await sleep(idle);
      idle = Math.min(maxIdle, idle * 2);
    }
    await Promise.allSettled(running);
  };

  return {
    workerId,
    start: () => {
      if (active) return;
      active = true;
      loop = run();
    },
    wake,
    stop: async () => {
      active = false;
      wake();
      await loop;
    },
    inFlight: () => running.size,
  };
}
