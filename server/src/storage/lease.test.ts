import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, testDatabase, type TestClock } from '../../test/build-test-app';
import type { Database } from './db';
import { createLeases, type Leases } from './lease';

let database: Database;
let clock: TestClock;
let leases: Leases;
beforeAll(async () => {
  database = await testDatabase();
  clock = createTestClock();
  // Own namespace: the database is shared with other tests.
  leases = createLeases({ db: database.db, clock, namespace: randomUUID() });
});

describe('leases', () => {
  it('renewAll renews in one statement only what the holder still has, expired-but-free included', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => `${n}-${randomUUID()}`) as [
      string,
      string,
      string,
      string,
    ];
    expect(await leases.acquire(a, 'me', 3_000)).not.toBeNull();
    expect(await leases.acquire(b, 'me', 3_000)).not.toBeNull();
    expect(await leases.acquire(c, 'other', 3_000)).not.toBeNull();
    // b expires; nobody takes it: still mine, as acquire would say.
    clock.advance(5_000);
    const kept = await leases.renewAll([a, b, c, d], 'me', 3_000);
    expect([...kept].sort()).toEqual([a, b].sort());
    expect(await leases.holder(a)).toBe('me');
    expect(await leases.holder(c)).toBeNull(); // expired, not renewed by someone else's call
    // Taken over while expired: no longer renewed for me.
    expect(await leases.acquire(c, 'me', 3_000)).not.toBeNull();
    clock.advance(4_000);
    expect(await leases.acquire(a, 'other', 3_000)).not.toBeNull();
    expect([...(await leases.renewAll([a, c], 'me', 3_000))]).toEqual([c]);
    expect(await leases.renewAll([], 'me', 3_000)).toEqual(new Set());
  });
});
