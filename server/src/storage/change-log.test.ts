import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, testDatabaseUrl } from '../../test/build-test-app';
import { recordChanges, rowsOf, SyncOp } from './change-log';
import type { Database } from './db';
import { contacts, organizations, syncClock, syncLog } from './schema/index';

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
});

const newOrg = async () => {
  const [org] = await database.db.insert(organizations).values({ name: 'Sync' }).returning();
  return org!.id;
};
const newContact = async (organizationId: string) => {
  const [c] = await database.db
    .insert(contacts)
    .values({ organizationId, waId: `${Math.random()}` })
    .returning();
  return c!.id;
};
const logOf = (organizationId: string) =>
  database.db
    .select()
    .from(syncLog)
    .where(eq(syncLog.organizationId, organizationId))
    .orderBy(asc(syncLog.seq));

describe('recordChanges', () => {
  it('creates the clock on first use, logs consecutive seqs and stamps versions', async () => {
    const org = await newOrg();
    const [a, b] = [await newContact(org), await newContact(org)];
    const first = await database.db.transaction((tx) =>
      recordChanges(tx, org, [
        { entity: 'contact', entityId: a },
        { entity: 'contact', entityId: b },
        { entity: 'user', entityId: a, op: 'revoke', subjectUser: b },
      ]),
    );
    expect(first).toEqual({ firstSeq: 1, seq: 3 });
    const second = await database.db.transaction((tx) =>
      recordChanges(tx, org, [
        { entity: 'contact', entityId: a },
        { entity: 'contact', entityId: a },
      ]),
    );
    // Duplicates collapse to one row.
    expect(second).toEqual({ firstSeq: 4, seq: 4 });
    const log = await logOf(org);
    expect(log.map((r) => [r.seq, r.entity, r.op])).toEqual([
      [1, 'contact', SyncOp.put],
      [2, 'contact', SyncOp.put],
      [3, 'user', SyncOp.revoke],
      [4, 'contact', SyncOp.put],
    ]);
    expect(log[2]!.subjectUser).toBe(b);
    const rows = await database.db
      .select({ id: contacts.id, version: contacts.version })
      .from(contacts)
      .where(and(eq(contacts.organizationId, org), inArray(contacts.id, [a, b])));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.version]))).toEqual({ [a]: 4, [b]: 2 });
    const [clock] = await database.db.select().from(syncClock).where(eq(syncClock.organizationId, org));
    expect(clock).toMatchObject({ seq: 4, floorSeq: 0 });
  });

  it('does nothing for an empty batch', async () => {
    const org = await newOrg();
    expect(await recordChanges(database.db, org, [])).toBeNull();
    expect(await logOf(org)).toEqual([]);
  });

  it('never stamps another organization’s row', async () => {
    const [org, other] = [await newOrg(), await newOrg()];
    const theirs = await newContact(other);
    await database.db.transaction((tx) => recordChanges(tx, org, [{ entity: 'contact', entityId: theirs }]));
    const [row] = await database.db.select().from(contacts).where(eq(contacts.id, theirs));
    expect(row!.version).toBe(0);
  });

  it('rolls the counter back with the transaction', async () => {
    const org = await newOrg();
    const c = await newContact(org);
    await database.db.transaction((tx) => recordChanges(tx, org, [{ entity: 'contact', entityId: c }]));
    await expect(
      database.db.transaction(async (tx) => {
        await recordChanges(tx, org, [{ entity: 'contact', entityId: c }]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const next = await database.db.transaction((tx) =>
      recordChanges(tx, org, [{ entity: 'contact', entityId: c }]),
    );
    expect(next).toEqual({ firstSeq: 2, seq: 2 });
    expect((await logOf(org)).map((r) => r.seq)).toEqual([1, 2]);
  });

  it('is gap-free per organization and readers never see a later seq before an earlier one', async () => {
    const [orgA, orgB] = [await newOrg(), await newOrg()];
    const [ca, cb] = [await newContact(orgA), await newContact(orgB)];
    let writing = true;
    const violations: string[] = [];
    // A reader polling while writers commit: a visible gap would mean seq order ≠ commit order.
    const reader = (async () => {
      while (writing) {
        const r = rowsOf<{ n: string; m: string | null }>(
          await database.db.execute(
            sql`select count(*) as n, max(seq) as m from sync_log where organization_id = ${orgA}`,
          ),
        )[0]!;
        if (Number(r.n) !== Number(r.m ?? 0)) violations.push(`${r.n} rows, max ${r.m}`);
      }
    })();
    const writes = Array.from({ length: 60 }, (_, i) =>
      database.db
        .transaction(async (tx) => {
          const org = i % 3 === 0 ? orgB : orgA;
          const id = i % 3 === 0 ? cb : ca;
          await tx
            .update(contacts)
            .set({ name: `n${i}` })
            .where(eq(contacts.id, id));
          // Some transactions log several changes; a few roll back after taking a seq.
          const changes = Array.from({ length: 1 + (i % 4) }, () => ({ entity: 'user', entityId: id }));
          changes.push({ entity: 'contact', entityId: id });
          await recordChanges(tx, org, changes);
          if (i % 7 === 5) throw new Error('rollback');
        })
        .catch((e: unknown) => {
          if (!(e instanceof Error && e.message === 'rollback')) throw e;
        }),
    );
    await Promise.all(writes);
    writing = false;
    await reader;
    expect(violations).toEqual([]);
    for (const org of [orgA, orgB]) {
      const seqs = (await logOf(org)).map((r) => r.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const [clock] = await database.db.select().from(syncClock).where(eq(syncClock.organizationId, org));
      expect(clock!.seq).toBe(seqs.length);
    }
  });

  it.runIf(process.env.DATABASE_URL)(
    'notifies listeners on PostgreSQL with org:seq after commit',
    async () => {
      const org = await newOrg();
      const c = await newContact(org);
      const listener = new pg.Client({ connectionString: testDatabaseUrl() });
      await listener.connect();
      try {
        const got: string[] = [];
        listener.on('notification', (n) => {
          if (n.payload?.startsWith(org)) got.push(n.payload);
        });
        await listener.query('listen sync');
        await database.db.transaction((tx) => recordChanges(tx, org, [{ entity: 'contact', entityId: c }]));
        await expect.poll(() => got).toEqual([`${org}:1`]);
      } finally {
        await listener.end();
      }
    },
  );
});
