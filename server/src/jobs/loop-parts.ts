import type { Job, JobHandler, JobOutcome, JobQueue } from '../storage/job-queue';

/**
 * The two parts every poll loop shares (`createWorker`, which runs a batch at a time, and
 * `createPoolWorker`, whose slots refill one by one): a sleep that `wake()` can end early, and
 * settling a job from its handler's outcome. Kept in one place so the loops cannot drift on what
 * a thrown handler or a `reschedule` means.
 */
export type WakeableSleep = {
  /** Sleeps `ms`, or not at all when a wake arrived since the last sleep. */
  sleep: (ms: number) => Promise<void>;
  /** Ends the current sleep, or makes the next one return at once. */
  wake: () => void;
};

export function createWakeableSleep(): WakeableSleep {
  let wakeUp: (() => void) | undefined;
  let woken = false;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (woken) {
          woken = false;
          resolve();
          return;
        }
        const t = setTimeout(done, ms);
        function done() {
          clearTimeout(t);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      }),
    wake: () => {
      if (wakeUp) wakeUp();
      else woken = true;
    },
  };
}

/** Runs the handler and records its outcome; a thrown handler is a retry with its message. */
export async function settleJob<P>(
  jobs: JobQueue,
  handler: JobHandler<P>,
  job: Job<P>,
  workerId: string,
): Promise<void> {
  let outcome: JobOutcome;
  try {
    outcome = await handler(job, { workerId });
  } catch (e) {
    outcome = { kind: 'retry', error: e instanceof Error ? e.message : String(e) };
  }
  if (!outcome || outcome.kind === 'done') await jobs.complete(job, workerId);
  else if (outcome.kind === 'retry')
    await jobs.fail(
      job,
      workerId,
      outcome.error,
      outcome.afterMs === undefined ? {} : { retryAfterMs: outcome.afterMs },
    );
  else if (outcome.kind === 'fail') await jobs.fail(job, workerId, outcome.error, { permanent: true });
  else if (outcome.kind === 'reschedule') await jobs.reschedule(job, workerId, outcome.at);
}
