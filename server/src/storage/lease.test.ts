import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, testDatabase, testDatabaseUrl, type TestClock } from '../../test/build-test-app';
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

  // PostgreSQL only (PGlite has one session): a named presence session stands for its holder.
  it.skipIf(!process.env.DATABASE_URL)(
    'with presence, a lease whose holder has no session left is free at once; a live holder keeps it',
    async () => {
      const presence = `lease-test-${randomUUID().slice(0, 8)}:`;
      const withPresence = createLeases({ db: database.db, clock, namespace: randomUUID(), presence });
      const name = `tailer-${randomUUID()}`;
      const session = new pg.Client({
        connectionString: testDatabaseUrl(),
        application_name: `${presence}A`,
      });
      await session.connect();
      try {
        expect(await withPresence.acquire(name, 'A', 60_000)).not.toBeNull();
        // A's session is there: B waits for the lease to expire, as without presence.
        expect(await withPresence.acquire(name, 'B', 60_000)).toBeNull();
      } finally {
        await session.end();
      }
      // A's process is gone (its session ended): B takes the lease long before it would expire.
      await expect
        .poll(() => withPresence.acquire(name, 'B', 60_000), { timeout: 5_000, interval: 50 })
        .not.toBeNull();
      expect(await withPresence.holder(name)).toBe('B');
      // Without presence the same situation waits for the expiry.
      const plain = createLeases({ db: database.db, clock, namespace: randomUUID() });
      expect(await plain.acquire(name, 'A', 60_000)).not.toBeNull();
      expect(await plain.acquire(name, 'B', 60_000)).toBeNull();
    },
  );
});
