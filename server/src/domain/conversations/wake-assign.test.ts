import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../../test/factories';
import { seedConversation } from '../../../test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import type { Job } from '../../storage/job-queue';
import {
  auditEvents,
  autoAssignScopes,
  conversations,
  memberships,
  syncLog,
  users,
} from '../../storage/schema/index';
import { createAuditLog } from '../audit/audit-log';
import { CONVERSATION_WAKE_QUEUE, createConversationService, type WakePayload } from './conversation-service';

// A snoozed conversation that wakes with no assignee goes through auto-assignment (issue 13):
// the same rule as a customer reopening it, decided in the wake's own transaction.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
let other: ConnectedNumber;
let ana: string;

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Wake and assign');
  n = await w.connect(org.admin, { name: 'Auto line' });
  other = await w.connect(org.admin, { name: 'Manual line' });
  const db = w.t.database.db;
  await db
    .insert(autoAssignScopes)
    .values({ organizationId: org.organizationId, kind: 'number', targetId: n.account.id });
  // Only Ana can take conversations: everyone else is away.
  await db
    .update(memberships)
    .set({ availability: 'away' })
    .where(eq(memberships.organizationId, org.organizationId));
  const [u] = await db
    .insert(users)
    .values({ email: `ana-${randomUUID()}@example.test`, name: 'Ana', passwordHash: 'x' })
    .returning({ id: users.id });
  ana = u!.id;
  await db.insert(memberships).values({
    organizationId: org.organizationId,
    userId: ana,
    role: 'agent',
    availability: 'available',
    online: true,
    lastSeenAt: new Date(),
    capacity: 5,
  });
});
afterAll(() => w.close());

/** A conversation snoozed until a minute ago, and the wake job that was queued for it. */
async function snoozed(accountId: string, assigneeId: string | null) {
  const db = w.t.database.db;
  const { conversationId } = await seedConversation(db, org.organizationId, accountId, { assigneeId });
  const until = new Date(Date.now() - 60_000);
  await db
    .update(conversations)
    .set({ status: 'snoozed', snoozedUntil: until })
    .where(eq(conversations.id, conversationId));
  const job: Job<WakePayload> = {
    id: 1,
    queue: CONVERSATION_WAKE_QUEUE,
    organizationId: org.organizationId,
    payload: { conversationId, until: until.toISOString() },
    dedupeKey: null,
    orderingKey: null,
    attempts: 1,
    maxAttempts: 5,
    runAt: until,
    createdAt: until,
  };
  return { conversationId, job };
}

const service = () =>
  createConversationService({
    db: w.t.database.db,
    clock: w.t.clock,
    jobs: { enqueue: async () => undefined } as never,
    audit: createAuditLog({ db: w.t.database.db, clock: w.t.clock }),
  });

const row = async (id: string) =>
  (
    await w.t.database.db
      .select({
        status: conversations.status,
        assigneeId: conversations.assigneeId,
        pending: conversations.autoAssignPending,
      })
      .from(conversations)
      .where(eq(conversations.id, id))
  )[0]!;

describe('a snoozed conversation waking', () => {
  it('with no assignee, on an auto-assigned number: assigned in the wake, logged for sync and audit', async () => {
    const { conversationId, job } = await snoozed(n.account.id, null);
    expect(await service().wakeJob(job)).toEqual({ kind: 'done' });
    expect(await row(conversationId)).toEqual({ status: 'open', assigneeId: ana, pending: false });
    const logged = await w.t.database.db
      .select({ entity: syncLog.entity })
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.conversationId, conversationId)));
    expect(logged.length).toBeGreaterThanOrEqual(1);
    const decided = await w.t.database.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(
        and(eq(auditEvents.organizationId, org.organizationId), eq(auditEvents.targetId, conversationId)),
      );
    expect(decided.length).toBe(1);
  });

  it('keeps its assignee, and stays unassigned where auto-assignment is off', async () => {
    const kept = await snoozed(n.account.id, org.agent.id);
    await service().wakeJob(kept.job);
    expect(await row(kept.conversationId)).toEqual({
      status: 'open',
      assigneeId: org.agent.id,
      pending: false,
    });
    const manual = await snoozed(other.account.id, null);
    await service().wakeJob(manual.job);
    expect(await row(manual.conversationId)).toEqual({ status: 'open', assigneeId: null, pending: false });
  });

  it('waits in the queue when nobody is available, and does nothing if the snooze changed', async () => {
    const db = w.t.database.db;
    await db.update(memberships).set({ availability: 'away' }).where(eq(memberships.userId, ana));
    const queued = await snoozed(n.account.id, null);
    await service().wakeJob(queued.job);
    expect(await row(queued.conversationId)).toEqual({ status: 'open', assigneeId: null, pending: true });
    await db.update(memberships).set({ availability: 'available' }).where(eq(memberships.userId, ana));

    const moved = await snoozed(n.account.id, null);
    await service().wakeJob({
      ...moved.job,
      payload: { ...moved.job.payload, until: new Date(0).toISOString() },
    });
    expect(await row(moved.conversationId)).toEqual({ status: 'snoozed', assigneeId: null, pending: false });
  });
});
