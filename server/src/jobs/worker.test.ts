import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, testDatabase } from '../../test/build-test-app';
import type { Database } from '../storage/db';
import { jobs as jobsTable } from '../storage/schema/index';
import { createJobQueue, type JobQueue } from '../storage/job-queue';
import { createWorker } from './worker';

let database: Database;
let queue: JobQueue;
beforeAll(async () => {
  database = await testDatabase();
  queue = createJobQueue({ db: database.db, clock: createTestClock(), random: () => 1 });
});

/** A queue name of its own per test: the database is shared. */
const q = () => `test-${randomUUID()}`;
const stateOf = async (id: number) =>
  (await database.db.select().from(jobsTable).where(eq(jobsTable.id, id)))[0]!;

describe('worker', () => {
  it('runs handlers, applies outcomes, and stops gracefully after in-flight jobs settle', async () => {
    const name = q();
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const worker = createWorker<{ n: number }>({
      queue: name,
      jobs: queue,
      idleMs: 5,
      maxIdleMs: 20,
      handler: async (job) => {
        seen.push(job.payload.n);
        if (job.payload.n === 0) await gate;
        if (job.payload.n === 1) return { kind: 'fail', error: 'no' };
        if (job.payload.n === 2) throw new Error('thrown');
        return undefined;
      },
    });
    const ids = await queue.enqueueMany(
      database.db,
      [0, 1, 2, 3].map((n) => ({ queue: name, payload: { n }, maxAttempts: 1 })),
    );
    worker.start();
    await expect.poll(() => seen.length).toBe(4);
    const stopping = worker.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false); // job 0 is still in flight
    release();
    await stopping;
    const states = await Promise.all(ids.map(stateOf));
    expect(states.map((s) => s.state)).toEqual(['done', 'failed', 'failed', 'done']);
    expect(states[2]!.lastError).toBe('thrown');
  });

  it('wakes at once when told, and resolves idle() when drained', async () => {
    const name = q();
    const done: number[] = [];
    const worker = createWorker<{ n: number }>({
      queue: name,
      jobs: queue,
      idleMs: 10_000,
      maxIdleMs: 10_000,
      handler: async (job) => {
        done.push(job.payload.n);
      },
    });
    worker.start();
    await worker.idle();
    await queue.enqueue(database.db, { queue: name, payload: { n: 7 } });
    const t = Date.now();
    worker.wake();
    await expect.poll(() => done, { timeout: 2000 }).toEqual([7]);
    expect(Date.now() - t).toBeLessThan(2000);
    await worker.idle();
    await worker.stop();
  });
});
