import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { attachWamid, reconcileByCallbackData } from '../../domain/messages/message-status';
import { lookupMetaError } from '../../meta/error-catalog';
import type { StatusSpec } from '../../meta-emulator/webhook-builders';
import { rowsOf } from '../../storage/change-log';
import { conversations, messages, messageStatusEvents } from '../../storage/schema/index';

// Quality bar 5.1.4–5.1.5: duplicates and reordering, generated with fast-check, through the
// emulator's Meta-like sender. Outbound messages are inserted directly (the send queue is
// another module); their statuses come in as signed webhooks.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
let conversationId: string;
let customer: string;
beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Statuses');
  n = await w.connect(org.admin);
  customer = n.addCustomer('Status customer');
  await n.send(customer, { type: 'text', body: 'hi' });
  const [c] = await w.t.database.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.organizationId, org.organizationId));
  conversationId = c!.id;
});
afterAll(() => w.close());

type Status = StatusSpec['status'];
const RANK: Record<string, number> = { queued: 0, sent: 1, failed: 1.5, delivered: 2, read: 3, played: 3 };
const shown = (s: Status) => (s === 'played' ? 'read' : s);

/** Inserts an outbound message (as the send queue would) and makes it the conversation's last. */
async function outbound(wamid: string | null): Promise<string> {
  const id = randomUUID();
  await w.t.database.db.transaction(async (tx) => {
    const [c] = rowsOf<{ last_conv_seq: string | number }>(
      await tx.execute(sql`
        update conversations set last_conv_seq = last_conv_seq + 1, last_message_id = ${id},
          last_message_at = now(), last_message_status = 'queued', last_message_direction = 'outbound',
          last_message_type = 'text', last_message_preview = 'out'
        where id = ${conversationId} returning last_conv_seq`),
    );
    await tx.insert(messages).values({
      id,
      organizationId: org.organizationId,
      conversationId,
      convSeq: Number(c!.last_conv_seq),
      direction: 'outbound',
      type: 'text',
      text: 'out',
      status: 'queued',
      waMessageId: wamid,
    });
  });
  return id;
}

const statusOf = async (id: string) => {
  const [m] = await w.t.database.db.select().from(messages).where(eq(messages.id, id));
  return m!;
};
const spec = (
  wamid: string,
  status: Status,
  seconds: number,
  extra: Partial<StatusSpec> = {},
): StatusSpec => ({
  wamid,
  status,
  timestampSeconds: seconds,
  recipientId: customer,
  ...(status === 'failed' && {
    errors: [{ code: 131047, title: 'Re-engagement message', details: 'More than 24 hours' }],
  }),
  ...extra,
});
const deliver = async (specs: StatusSpec[], mode: 'sequential' | 'concurrent' | 'batch') => {
  const one = (s: StatusSpec) =>
    w.emu.control.deliverBatch([{ kind: 'status', phoneNumberId: n.phoneNumberId, status: s }]);
  if (mode === 'batch')
    await w.emu.control.deliverBatch(
      specs.map((s) => ({ kind: 'status', phoneNumberId: n.phoneNumberId, status: s })),
    );
  else if (mode === 'concurrent') await Promise.all(specs.map(one));
  else for (const s of specs) await one(s);
  await w.settle();
};

describe('status webhooks', () => {
  it('keep a monotone lattice whatever the order, duplicates and batching (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Status>('sent', 'delivered', 'read', 'failed', 'played'), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.constantFrom<'sequential' | 'concurrent' | 'batch'>('sequential', 'concurrent', 'batch'),
        async (sequence, mode) => {
          const wamid = `wamid.${randomUUID()}`;
          const id = await outbound(wamid);
          const base = 1_800_000_000;
          // Meta's timestamp of each status follows the lattice, whatever order it arrives in.
          const specs = sequence.map((s) => spec(wamid, s, base + Math.round(RANK[s]! * 10)));
          await deliver(specs, mode);
          const best = sequence.reduce((a, b) => (RANK[b]! > RANK[a]! ? b : a));
          const m = await statusOf(id);
          expect(m.status).toBe(shown(best));
          expect(m.statusAt!.getTime()).toBe((base + Math.round(RANK[best]! * 10)) * 1000);
          if (shown(best) === 'failed') expect(m.errorCode).toBe('131047');
          else expect(m.errorCode).toBeNull();
          const events = await w.t.database.db
            .select()
            .from(messageStatusEvents)
            .where(
              and(
                eq(messageStatusEvents.organizationId, org.organizationId),
                eq(messageStatusEvents.waMessageId, wamid),
              ),
            );
          expect(events.map((e) => e.status).sort()).toEqual([...new Set(sequence)].sort());
          const [conv] = await w.t.database.db
            .select()
            .from(conversations)
            .where(eq(conversations.id, conversationId));
          expect(conv!.lastMessageStatus).toBe(shown(best));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps Meta’s code and title on failed, with a sentence for agents; a late sent never lowers it', async () => {
    const wamid = `wamid.${randomUUID()}`;
    const id = await outbound(wamid);
    await deliver([spec(wamid, 'failed', 1_800_000_100)], 'sequential');
    const failed = await w.t.app.inject({ url: `/api/v1/messages/${id}`, headers: org.admin.headers });
    expect(failed.json()).toMatchObject({
      status: 'failed',
      error: {
        code: '131047',
        title: 'Re-engagement message',
        message: lookupMetaError(131047).agentMessage,
      },
    });
    await deliver([spec(wamid, 'sent', 1_800_000_090)], 'sequential');
    expect((await statusOf(id)).status).toBe('failed');
    // A delivered proves the message arrived after all.
    await deliver([spec(wamid, 'delivered', 1_800_000_200)], 'sequential');
    expect(await statusOf(id)).toMatchObject({ status: 'delivered', errorCode: null, errorMessage: null });
  });

  it('attaches the wamid of a message it names by biz_opaque_callback_data (ambiguous send)', async () => {
    const id = await outbound(null);
    const wamid = `wamid.${randomUUID()}`;
    await deliver([spec(wamid, 'delivered', 1_800_000_300, { bizOpaqueCallbackData: id })], 'sequential');
    expect(await statusOf(id)).toMatchObject({ waMessageId: wamid, status: 'delivered' });
  });

  it('keeps statuses that beat their wamid, and applies them when the send records it', async () => {
    const id = await outbound(null);
    const wamid = `wamid.${randomUUID()}`;
    await deliver([spec(wamid, 'sent', 1_800_000_400), spec(wamid, 'read', 1_800_000_420)], 'batch');
    expect((await statusOf(id)).status).toBe('queued');
    const changes = await w.t.database.db.transaction((tx) =>
      attachWamid(tx, org.organizationId, id, wamid, new Date()),
    );
    expect(changes.map((c) => c.entity)).toContain('message');
    expect(await statusOf(id)).toMatchObject({ waMessageId: wamid, status: 'read' });
    // Idempotent.
    await w.t.database.db.transaction((tx) => attachWamid(tx, org.organizationId, id, wamid, new Date()));
    expect((await statusOf(id)).status).toBe('read');
  });

  it('reconcileByCallbackData finds a status that named the message before it existed', async () => {
    const id = randomUUID();
    const wamid = `wamid.${randomUUID()}`;
    await deliver([spec(wamid, 'delivered', 1_800_000_500, { bizOpaqueCallbackData: id })], 'sequential');
    expect(
      await w.t.database.db.transaction((tx) =>
        reconcileByCallbackData(tx, org.organizationId, randomUUID(), new Date()),
      ),
    ).toBeNull();
    // The send path committed the message only now (wamid unknown: the request timed out).
    const inserted = await outbound(null);
    await w.t.database.db.update(messages).set({ id }).where(eq(messages.id, inserted));
    await w.t.database.db
      .update(conversations)
      .set({ lastMessageId: id })
      .where(eq(conversations.id, conversationId));
    const found = await w.t.database.db.transaction((tx) =>
      reconcileByCallbackData(tx, org.organizationId, id, new Date()),
    );
    expect(found).toMatchObject({ wamid, status: 'delivered' });
    expect(await statusOf(id)).toMatchObject({ waMessageId: wamid, status: 'delivered' });
  });
});

describe('duplicate inbound messages', () => {
  it('store one message per wamid however often and however concurrently Meta delivers it (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.boolean(), async (copies, concurrently) => {
        const wamid = `wamid.${randomUUID()}`;
        const payload = {
          object: 'whatsapp_business_account',
          entry: [
            {
              id: n.wabaId,
              changes: [
                {
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '15550000000', phone_number_id: n.phoneNumberId },
                    contacts: [{ profile: { name: 'Status customer' }, wa_id: customer }],
                    messages: [
                      {
                        from: customer,
                        id: wamid,
                        timestamp: '1800000000',
                        type: 'text',
                        text: { body: 'dup' },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        };
        const [before] = await w.t.database.db
          .select()
          .from(conversations)
          .where(eq(conversations.id, conversationId));
        const sendOne = () => w.emu.control.deliverRaw(n.phoneNumberId, payload);
        if (concurrently) await Promise.all(Array.from({ length: copies }, sendOne));
        else for (let i = 0; i < copies; i++) await sendOne();
        await w.settle();
        const rows = await w.t.database.db.select().from(messages).where(eq(messages.waMessageId, wamid));
        expect(rows).toHaveLength(1);
        const [after] = await w.t.database.db
          .select()
          .from(conversations)
          .where(eq(conversations.id, conversationId));
        expect(after!.unreadCount).toBe(before!.unreadCount + 1);
        expect(after!.lastConvSeq).toBe(before!.lastConvSeq + 1);
        expect(rows[0]!.convSeq).toBe(after!.lastConvSeq);
      }),
      { numRuns: 12 },
    );
  });
});
