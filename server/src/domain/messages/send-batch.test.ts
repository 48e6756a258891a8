import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import type { Principal } from '../auth/auth-service';
import { BatchDeclined, queueSendBatch, type BatchSend, type SendBatchDeps } from './send-batch';
import { recordChanges } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import { createJobQueue } from '../../storage/job-queue';
import { contacts, conversations, jobs, messageQuotaUsage, messages } from '../../storage/schema/index';

// The batched path of a group of REST sends (send-batch.ts): a group of any size is written in
// the same few statements, its messages continue each conversation's conv_seq, each conversation
// ends on its newest message, one send job each; a send a check refuses is handed back untouched,
// and a quota with room for only part of the group declines the batch with nothing written.

let w: OutboundWorld;
let admin: Principal;
let deps: SendBatchDeps;

beforeAll(async () => {
  w = await startOutboundWorld();
  await w.t.app.outbound.services.sendWorker.stop();
  admin = { userId: w.org.admin.id, organizationId: w.org.organizationId, role: 'admin', sessionId: '' };
  deps = { clock: w.t.clock, jobs: createJobQueue({ db: w.t.database.db, clock: w.t.clock }) };
}, 240_000);
afterAll(() => w?.close());

/** Statements issued through `tx` (each builder or execute call is one). */
function counting(tx: Tx): { tx: Tx; count: () => number } {
  let n = 0;
  const proxy = new Proxy(tx, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      if (['select', 'insert', 'update', 'delete', 'execute'].includes(String(prop)))
        return (...args: unknown[]) => {
          n += 1;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { tx: proxy, count: () => n };
}

const text = (conversationId: string, t: string, actor = admin): BatchSend => ({
  actor,
  conversationId,
  body: { type: 'text', text: t },
});

/** Runs a batch in its own transaction (with the change log, as the group does); statements used. */
async function batch(sends: BatchSend[], d: SendBatchDeps = deps) {
  let statements = 0;
  const out = await w.t.database.db.transaction(async (raw) => {
    const { tx, count } = counting(raw);
    const r = await queueSendBatch(tx, d, w.org.organizationId, sends);
    statements = count();
    await recordChanges(
      raw,
      w.org.organizationId,
      r.flatMap((q) => q?.changes ?? []),
    );
    return r;
  });
  return { out, statements };
}

const conversation = async (id: string) =>
  (await w.t.database.db.select().from(conversations).where(eq(conversations.id, id)))[0]!;

describe('a batch of sends', () => {
  it('costs the same statements for 2 sends as for 12, continuing each conversation in order', async () => {
    const a = await w.customer('Ana');
    const b = await w.customer('Ben');
    const small = await batch([text(a.conversationId, 'a0'), text(b.conversationId, 'b0')]);
    const seqBefore = (await conversation(a.conversationId)).lastConvSeq;
    const sends = Array.from({ length: 12 }, (_, i) =>
      text(i % 3 === 0 ? b.conversationId : a.conversationId, `m${i}`),
    );
    const big = await batch(sends);
    // Lock, quota-free here, conversations, messages, jobs: the same count whatever the size.
    expect(small.statements).toBe(big.statements);
    expect(big.statements).toBeLessThanOrEqual(5);
    expect(big.out.every((q) => q !== null)).toBe(true);

    const ids = big.out.map((q) => q!.message.id);
    const rows = await w.t.database.db.select().from(messages).where(inArray(messages.id, ids));
    for (const conv of [a, b]) {
      const mine = sends.flatMap((s, i) => (s.conversationId === conv.conversationId ? [ids[i]!] : []));
      const seqs = mine.map((id) => rows.find((r) => r.id === id)!.convSeq);
      // In the group's order, one after another, after what the conversation had.
      expect(seqs).toEqual(seqs.map((_, k) => seqs[0]! + k));
      const c = await conversation(conv.conversationId);
      expect(c.lastConvSeq).toBe(seqs.at(-1));
      expect(c.lastMessageId).toBe(mine.at(-1));
      expect(c.lastMessageDirection).toBe('outbound');
      expect(c.lastMessageStatus).toBe('queued');
      expect(c.waitingSince).toBeNull();
    }
    expect(seqBefore).toBeLessThan(rows.find((r) => r.id === ids[1])!.convSeq);
    // The answer is the stored row, authored by the actor, queued.
    const first = big.out[0]!.message;
    expect(first).toMatchObject({ id: ids[0], direction: 'outbound', status: 'queued', text: 'm0' });
    expect(rows.find((r) => r.id === ids[0])!.authorId).toBe(admin.userId);
    // One send job per message, ordered by its conversation.
    const queued = await w.t.database.db
      .select()
      .from(jobs)
      .where(eq(jobs.organizationId, w.org.organizationId));
    for (const [i, id] of ids.entries()) {
      const job = queued.filter((j) => (j.payload as { messageId?: string }).messageId === id);
      expect(job, id).toHaveLength(1);
      expect(job[0]!.orderingKey).toBe(sends[i]!.conversationId);
      expect(job[0]!.queue).toBe(`send:${w.number.account.id}`);
    }
  });

  it('hands back a send a check refuses, writing nothing for it', async () => {
    const open = await w.customer('Open');
    const closed = await w.customer('Closed');
    const out = await w.customer('Opted out');
    const db = w.t.database.db;
    await db
      .update(conversations)
      .set({ windowExpiresAt: new Date(Date.now() - 60_000) })
      .where(eq(conversations.id, closed.conversationId));
    await db.update(contacts).set({ optedOut: true }).where(eq(contacts.id, out.contactId));
    const before = await conversation(closed.conversationId);
    const { out: r } = await batch([
      text(open.conversationId, 'kept'),
      text(closed.conversationId, 'too late'),
      text(out.conversationId, 'unwanted'),
      text('00000000-0000-4000-8000-000000000000', 'nowhere'),
    ]);
    expect(r.map((q) => q !== null)).toEqual([true, false, false, false]);
    const after = await conversation(closed.conversationId);
    expect(after.lastConvSeq).toBe(before.lastConvSeq);
    const written = await db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.organizationId, w.org.organizationId),
          inArray(messages.conversationId, [closed.conversationId, out.conversationId]),
          eq(messages.direction, 'outbound'),
        ),
      );
    expect(written).toHaveLength(0);
  });

  it('declines when the quota has room for only part of the group, and when a send is not batchable', async () => {
    const c = await w.customer('Quota');
    const db = w.t.database.db;
    const used = async () =>
      (
        await db
          .select()
          .from(messageQuotaUsage)
          .where(eq(messageQuotaUsage.organizationId, w.org.organizationId))
      )[0]?.sent ?? 0;
    const sentBefore = await used();
    const seqBefore = (await conversation(c.conversationId)).lastConvSeq;
    const tight = { ...deps, quota: { monthlyDefault: sentBefore + 2 } };
    await expect(
      batch([text(c.conversationId, '1'), text(c.conversationId, '2'), text(c.conversationId, '3')], tight),
    ).rejects.toBeInstanceOf(BatchDeclined);
    expect(await used()).toBe(sentBefore);
    expect((await conversation(c.conversationId)).lastConvSeq).toBe(seqBefore);
    // Room for all: counted once for the group.
    await batch([text(c.conversationId, '1'), text(c.conversationId, '2')], tight);
    expect(await used()).toBe(sentBefore + 2);
    // An agent sees only some conversations: their sends go one at a time.
    const agent: Principal = { ...admin, role: 'agent' };
    await expect(batch([text(c.conversationId, 'x', agent)])).rejects.toBeInstanceOf(BatchDeclined);
  });
});
