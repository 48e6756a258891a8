import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, testDatabaseUrl } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { seedConversation } from '../../../test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { recordChanges } from '../../storage/change-log';
import { openDatabase, type Database, type Db } from '../../storage/db';
import {
  auditEvents,
  autoAssignScopes,
  conversations,
  memberships,
  syncLog,
  users,
} from '../../storage/schema/index';
import { createAuditLog } from '../audit/audit-log';
import { autoAssign } from './auto-assign';
import { createAvailabilityService } from './availability-service';

// Race-freedom of auto-assignment: many transactions decide at once, on two connection pools
// (two "server processes") when the suite runs on PostgreSQL, over random members, capacities
// and queues. Whatever the interleaving, no conversation is assigned twice and no capacity is
// exceeded, and once every transaction is done nobody who has room leaves a conversation waiting.
// On PGlite (one connection) the transactions serialize; the properties still hold.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
let second: Database | undefined;

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Race-free assignment');
  n = await w.connect(org.admin);
  const url = testDatabaseUrl();
  // A second pool on the same PostgreSQL database: another server process's connections.
  if (url) second = await openDatabase({ databaseUrl: url, poolSize: 4 });
  await w.t.database.db
    .insert(autoAssignScopes)
    .values({ organizationId: org.organizationId, kind: 'number', targetId: n.account.id });
});
afterAll(async () => {
  await second?.close();
  await w.close();
});

const audit = () => createAuditLog({ db: w.t.database.db, clock: w.t.clock });
const dbs = (): Db[] => [w.t.database.db, ...(second ? [second.db] : [])];

/** Members of this round (the previous rounds' go Away, so only these can take conversations). */
async function roundMembers(capacities: (number | null)[]): Promise<string[]> {
  const db = w.t.database.db;
  await db
    .update(memberships)
    .set({ availability: 'away' })
    .where(eq(memberships.organizationId, org.organizationId));
  const ids: string[] = [];
  for (const capacity of capacities) {
    const [u] = await db
      .insert(users)
      .values({ email: `race-${randomUUID()}@example.test`, name: 'Racer', passwordHash: 'x' })
      .returning({ id: users.id });
    await db.insert(memberships).values({
      organizationId: org.organizationId,
      userId: u!.id,
      role: 'agent',
      availability: 'available',
      online: true,
      lastSeenAt: new Date(),
      capacity,
    });
    ids.push(u!.id);
  }
  return ids;
}

async function waitingConversations(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = await seedConversation(w.t.database.db, org.organizationId, n.account.id);
    ids.push(c.conversationId);
  }
  await w.t.database.db
    .update(conversations)
    .set({ autoAssignPending: true, waitingSince: new Date() })
    .where(inArray(conversations.id, ids));
  return ids;
}

/** One deciding transaction as production runs it: decide, then log the changes last. */
const decide = (db: Db, only?: string[]) =>
  db.transaction(async (tx) => {
    const { changes } = await autoAssign(tx, audit(), org.organizationId, new Date(), only);
    await recordChanges(tx, org.organizationId, changes);
  });

describe('auto-assignment under concurrent arrivals', () => {
  it('never assigns a conversation twice nor exceeds a capacity, across processes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 14 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { minLength: 2, maxLength: 6 }),
        async (capacities, count, splits) => {
          const members = await roundMembers(capacities);
          const convs = await waitingConversations(count);
          // Overlapping groups (each as an ingest batch would name them) and whole-queue drains,
          // alternating between the two pools, all at once.
          const groups = splits.map(([seed, whole], i) =>
            whole ? undefined : convs.filter((_, j) => (j + seed + i) % 2 === 0 || j % splits.length === i),
          );
          await Promise.all(groups.map((g, i) => decide(dbs()[i % dbs().length]!, g)));
          await decide(w.t.database.db);

          const rows = await w.t.database.db
            .select({
              id: conversations.id,
              assigneeId: conversations.assigneeId,
              pending: conversations.autoAssignPending,
            })
            .from(conversations)
            .where(inArray(conversations.id, convs));
          const decisions = await w.t.database.db
            .select({ targetId: auditEvents.targetId })
            .from(auditEvents)
            .where(
              and(
                eq(auditEvents.organizationId, org.organizationId),
                eq(auditEvents.action, 'conversation.auto_assigned'),
                inArray(auditEvents.targetId, convs),
              ),
            );
          // Each conversation decided at most once.
          expect(new Set(decisions.map((d) => d.targetId)).size).toBe(decisions.length);
          expect(decisions.length).toBe(rows.filter((r) => r.assigneeId !== null).length);
          // No capacity exceeded.
          members.forEach((m, i) => {
            const load = rows.filter((r) => r.assigneeId === m).length;
            if (capacities[i] !== null) expect(load).toBeLessThanOrEqual(capacities[i]!);
          });
          // Nobody with room left a conversation waiting.
          const room = capacities.some((c) => c === null)
            ? Infinity
            : capacities.reduce<number>((a, c) => a + (c ?? 0), 0);
          expect(rows.filter((r) => r.assigneeId !== null).length).toBe(Math.min(count, room));
          for (const r of rows) expect(r.pending).toBe(r.assigneeId === null);
          // Only this round's members got any.
          for (const r of rows) if (r.assigneeId) expect(members).toContain(r.assigneeId);
          // Leave no queue behind for the next round.
          await w.t.database.db
            .update(conversations)
            .set({ autoAssignPending: false, status: 'resolved' })
            .where(inArray(conversations.id, convs));
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('presence', () => {
  it('marks a member offline after OFFLINE_AFTER_SECONDS without a heartbeat, and logs it for sync', async () => {
    const clock = createTestClock();
    const service = createAvailabilityService({
      db: w.t.database.db,
      clock,
      audit: createAuditLog({ db: w.t.database.db, clock }),
      offlineAfterMs: 60_000,
    });
    const [member] = await roundMembers([null]);
    const key = { organizationId: org.organizationId, userId: member! };
    await service.connected(key.organizationId, key.userId);
    clock.advance(45_000);
    await service.heartbeat([key]);
    const isOnline = async () =>
      (
        await w.t.database.db
          .select({ online: memberships.online })
          .from(memberships)
          .where(and(eq(memberships.organizationId, org.organizationId), eq(memberships.userId, member!)))
      )[0]!.online;
    clock.advance(45_000);
    await service.sweepOffline();
    expect(await isOnline()).toBe(true);
    clock.advance(20_000);
    expect(await service.sweepOffline()).toBeGreaterThanOrEqual(1);
    expect(await isOnline()).toBe(false);
    const logged = await w.t.database.db
      .select({ entity: syncLog.entity })
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.entityId, member!)));
    expect(logged.length).toBeGreaterThanOrEqual(1);
    // A heartbeat of a member found offline brings them back.
    await service.heartbeat([key]);
    expect(await isOnline()).toBe(true);
  });
});
