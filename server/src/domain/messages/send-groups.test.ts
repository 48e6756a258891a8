import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendMessageBody, SendToNumberBody } from '#contract/api/messages';
import type { Result } from '#contract/result';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import type { Principal } from '../auth/auth-service';
import type { SendResponse } from './send-idempotency';
import type { SendService } from './send-service';
import { contacts, messageQuotaUsage, messages, syncLog } from '../../storage/schema/index';

// Group commit of sends (send-groups.ts): concurrent sends of one organization share a
// transaction, each in its savepoint. What must hold: every accepted send is written and
// answered; a refused one (even one that had written a contact and a conversation first) is
// rolled back alone; the quota counts exactly the accepted sends; and the organization's change
// log stays gap-free, each message stamped with its own entry's seq.

let w: OutboundWorld;
let sends: SendService;
let admin: Principal;

beforeAll(async () => {
  w = await startOutboundWorld();
  sends = w.t.app.outbound.services.sends;
  // Delivery is not under test, and its status updates would log the messages again meanwhile.
  await w.t.app.outbound.services.sendWorker.stop();
  admin = { userId: w.org.admin.id, organizationId: w.org.organizationId, role: 'admin', sessionId: '' };
}, 240_000);
afterAll(() => w?.close());

// The service itself, called without the HTTP layer: the calls of one burst reach it in the same
// tick, so the grouping does not depend on how long authentication takes.
type Answer = { status: number; body: { id?: string; error?: { code: string } }; replayed: boolean };
const answer = (r: Result<SendResponse>): Answer =>
  r.ok
    ? { status: 202, body: { id: r.value.message.id }, replayed: r.value.replayed }
    : {
        status: r.error.code === 'window_closed' || r.error.code === 'opted_out' ? 422 : 400,
        body: { error: { code: r.error.code } },
        replayed: false,
      };
const toNumber = async (body: SendToNumberBody, key?: string) =>
  answer(await sends.sendToNumber(w.org.organizationId, admin, body, key));
const inThread = async (conversationId: string, body: SendMessageBody) =>
  answer(await sends.send(w.org.organizationId, admin, conversationId, body));

const logOf = async () =>
  w.t.database.db
    .select()
    .from(syncLog)
    .where(eq(syncLog.organizationId, w.org.organizationId))
    .orderBy(syncLog.seq);

describe('concurrent sends in one organization', () => {
  it('a lone send still answers with its own commit', async () => {
    const c = await w.customer('Alone');
    const before = await logOf();
    const a = await toNumber({ to: `+${c.phone}`, message: { type: 'text', text: 'Hi' } });
    expect(a.status).toBe(202);
    const fresh = (await logOf()).slice(before.length);
    expect(fresh.map((e) => e.entity).sort()).toEqual(['conversation', 'message']);
    expect(fresh.find((e) => e.entity === 'message')?.entityId).toBe(a.body.id);
  });
  it('commit together; a refused send rolls back alone; the log stays gap-free', async () => {
    const c = await w.customer('Grouped');
    const d = await w.customer('Opted out');
    await w.t.database.db.update(contacts).set({ optedOut: true }).where(eq(contacts.id, d.contactId));
    const coldPhone = '+15559870042';
    const before = await logOf();
    const quota = async () =>
      (
        await w.t.database.db
          .select()
          .from(messageQuotaUsage)
          .where(eq(messageQuotaUsage.organizationId, w.org.organizationId))
      )[0]?.sent ?? 0;
    const sentBefore = await quota();

    const text = (t: string) => ({ message: { type: 'text' as const, text: t } });
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => toNumber({ to: `+${c.phone}`, ...text(`Parcel ${i}`) })),
      // Refused after writing: the cold number's contact and conversation are created, then the
      // closed window refuses the send.
      toNumber({ to: coldPhone, ...text('Cold hello') }),
      toNumber({ contactId: d.contactId, ...text('Hi') }),
      // The same key twice in one group: one send, the other replays it.
      toNumber({ to: `+${c.phone}`, ...text('Once') }, 'group-key'),
      toNumber({ to: `+${c.phone}`, ...text('Once') }, 'group-key'),
      inThread(c.conversationId, { type: 'text', text: 'In thread' }),
    ]);

    const statuses = answers.map((a) => a.status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 202, 202, 422, 422, 202, 202, 202]);
    expect(answers[8]!.body.error?.code).toBe('window_closed');
    expect(answers[9]!.body.error?.code).toBe('opted_out');
    expect(answers[10]!.body.id).toBe(answers[11]!.body.id);
    expect(answers.filter((a) => a.replayed)).toHaveLength(1);
    const ids = [...new Set(answers.flatMap((a) => (a.status === 202 ? [a.body.id!] : [])))];
    expect(ids).toHaveLength(10);

    // Every accepted send is written, in the one conversation, with consecutive conv_seqs.
    const rows = await w.t.database.db.select().from(messages).where(inArray(messages.id, ids));
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.conversationId))).toEqual(new Set([c.conversationId]));
    const seqs = rows.map((r) => r.convSeq).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    // The refused send's contact (written before its refusal) is gone; its neighbours are not.
    const cold = await w.t.database.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.organizationId, w.org.organizationId), eq(contacts.phoneE164, coldPhone)));
    expect(cold).toHaveLength(0);
    // The quota counted the accepted sends only.
    expect((await quota()) - sentBefore).toBe(10);

    // The log: gap-free from before, one entry per message, each message stamped with its seq.
    const after = await logOf();
    const fresh = after.slice(before.length);
    expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => after[0]!.seq + i));
    const byId = new Map(fresh.filter((e) => e.entity === 'message').map((e) => [e.entityId, e.seq]));
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    for (const r of rows) expect(r.version, r.id).toBe(byId.get(r.id));
    // Sends that shared a transaction logged their conversation once: fewer conversation
    // entries than sends proves they were grouped (one transaction each would log ten).
    const convEntries = fresh.filter((e) => e.entity === 'conversation' && e.entityId === c.conversationId);
    expect(convEntries.length).toBeGreaterThan(0);
    expect(convEntries.length).toBeLessThan(10);
  });
});
