import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, testDatabase, type TestClock } from '../../test/build-test-app';
import type { Database } from './db';
import { jobs as jobsTable } from './schema/index';
import { createJobQueue, type JobQueue } from './job-queue';

let database: Database;
let clock: TestClock;
let queue: JobQueue;
beforeAll(async () => {
  database = await testDatabase();
  clock = createTestClock();
  queue = createJobQueue({ db: database.db, clock, random: () => 1 });
});

/** A queue name of its own per test: the database is shared. */
const q = () => `test-${randomUUID()}`;
const stateOf = async (id: number) =>
  (await database.db.select().from(jobsTable).where(eq(jobsTable.id, id)))[0]!;

describe('job queue', () => {
  it('enqueues inside the caller’s transaction: rolled back means no job', async () => {
    const name = q();
    await expect(
      database.db.transaction(async (tx) => {
        await queue.enqueue(tx, { queue: name, payload: { a: 1 } });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await queue.claim(name, { workerId: 'w' })).toEqual([]);
    const id = await database.db.transaction((tx) => queue.enqueue(tx, { queue: name, payload: { a: 2 } }));
    const [job] = await queue.claim(name, { workerId: 'w' });
    expect(job).toMatchObject({ id, payload: { a: 2 }, attempts: 1 });
  });

  it('dismisses unfinished jobs by dedupe key as done, a running one losing its lease, never another queue’s', async () => {
    const name = q();
    const other = q();
    const [a, b, c] = (await queue.enqueueMany(database.db, [
      { queue: name, dedupeKey: 'd1' },
      { queue: name, dedupeKey: 'd2' },
      { queue: name, dedupeKey: 'd3' },
    ])) as number[];
    const elsewhere = await queue.enqueue(database.db, { queue: other, dedupeKey: 'd1' });
    const [running] = await queue.claim(name, { workerId: 'w', limit: 1 });
    // d1 (running), d2 and d3 end.
    expect(await queue.dismiss(name, ['d1', 'd2', 'd3', 'nope'])).toBe(3);
    expect(await queue.dismiss(name, ['d2'])).toBe(0);
    const states = await Promise.all([a!, b!, c!].map(async (id) => (await stateOf(id)).state));
    expect(states).toEqual(['done', 'done', 'done']);
    // The running handler's own outcome then writes nothing: the job stays done.
    await queue.reschedule(running!, 'w', new Date(Date.now() + 60_000));
    await queue.fail(running!, 'w', 'late');
    expect((await stateOf(running!.id)).state).toBe('done');
    expect((await stateOf(elsewhere!)).state).toBe('pending');
    expect(await queue.dismiss(name, [])).toBe(0);
  });

  it('deduplicates by (queue, dedupeKey)', async () => {
    const name = q();
    const first = await queue.enqueue(database.db, { queue: name, dedupeKey: 'm1' });
    expect(first).toEqual(expect.any(Number));
    expect(await queue.enqueue(database.db, { queue: name, dedupeKey: 'm1' })).toBeNull();
    expect(
      await queue.enqueueMany(database.db, [
        { queue: name, dedupeKey: 'm1' },
        { queue: name, dedupeKey: 'm2' },
      ]),
    ).toHaveLength(1);
  });

  it('never hands one job to two concurrent claimers', async () => {
    const name = q();
    await queue.enqueueMany(
      database.db,
      Array.from({ length: 30 }, (_, i) => ({ queue: name, payload: { i } })),
    );
    const batches = await Promise.all(
      Array.from({ length: 4 }, (_, w) => queue.claim(name, { workerId: `w${w}`, limit: 10 })),
    );
    const ids = batches.flat().map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeLessThanOrEqual(30);
  });

  it('runs jobs sharing an ordering key one at a time, in order', async () => {
    const name = q();
    const [a1, b1, a2] = await queue.enqueueMany(database.db, [
      { queue: name, orderingKey: 'A' },
      { queue: name, orderingKey: 'B' },
      { queue: name, orderingKey: 'A' },
    ]);
    const first = await queue.claim(name, { workerId: 'w', limit: 10 });
    expect(first.map((j) => j.id)).toEqual([a1, b1]);
    expect(await queue.claim(name, { workerId: 'w', limit: 10 })).toEqual([]);
    // A failed-for-good predecessor no longer blocks.
    await queue.fail(first[0]!, 'w', 'permanent', { permanent: true });
    expect((await queue.claim(name, { workerId: 'w' })).map((j) => j.id)).toEqual([a2]);
  });

  it('retries with exponential backoff and jitter, then fails for good', async () => {
    const name = q();
    const id = (await queue.enqueue(database.db, { queue: name, maxAttempts: 2 }))!;
    const [job] = await queue.claim(name, { workerId: 'w' });
    expect(await queue.fail(job!, 'w', 'boom', { backoff: { baseMs: 1000, maxMs: 60_000 } })).toBe('pending');
    // random() = 1 → the full delay: 1000 ms for the first retry.
    expect(await queue.claim(name, { workerId: 'w' })).toEqual([]);
    clock.advance(1001);
    const [again] = await queue.claim(name, { workerId: 'w' });
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(await queue.fail(again!, 'w', 'boom again')).toBe('failed');
    expect(await stateOf(id)).toMatchObject({ state: 'failed', lastError: 'boom again', attempts: 2 });
  });

  it('reschedules without counting an attempt', async () => {
    const name = q();
    const id = (await queue.enqueue(database.db, { queue: name }))!;
    const [job] = await queue.claim(name, { workerId: 'w' });
    await queue.reschedule(job!, 'w', new Date(clock.now().getTime() + 500));
    expect(await queue.claim(name, { workerId: 'w' })).toEqual([]);
    clock.advance(501);
    expect(await queue.claim(name, { workerId: 'w' })).toMatchObject([{ id, attempts: 1 }]);
  });

  it('recovers expired leases; the old owner can no longer settle the job', async () => {
    const name = q();
    const id = (await queue.enqueue(database.db, { queue: name }))!;
    const [job] = await queue.claim(name, { workerId: 'dead', leaseMs: 1000 });
    expect(await queue.claim(name, { workerId: 'live' })).toEqual([]);
    clock.advance(1001);
    expect(await queue.recoverExpired(name)).toBe(1);
    const [again] = await queue.claim(name, { workerId: 'live' });
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(await queue.complete(job!, 'dead')).toBe(false);
    expect(await queue.complete(again!, 'live')).toBe(true);
    expect(await stateOf(id)).toMatchObject({ state: 'done', lockedBy: null });
  });

  it('prunes settled jobs', async () => {
    const name = q();
    const id = (await queue.enqueue(database.db, { queue: name }))!;
    const [job] = await queue.claim(name, { workerId: 'w' });
    await queue.complete(job!, 'w');
    clock.advance(10);
    expect(await queue.prune(clock.now())).toBeGreaterThanOrEqual(1);
    expect(
      await database.db
        .execute(sql`select 1 from jobs where id = ${id}`)
        .then((r) => (r as { rows: unknown[] }).rows),
    ).toEqual([]);
  });
});
