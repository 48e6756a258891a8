import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTemplates } from '../../meta-emulator/demo-seed';
import { createOrg, type TestOrg } from '../../../test/factories';
import { connectSync, mutation } from '../../../test/sync';
import { startWebhookReceiver, verifyDelivery, type WebhookReceiver } from '../../../test/webhook-receiver';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { contacts, conversations, webhookChanges } from '../../storage/schema/index';

// Every event type, caused through the real change paths (Meta webhook ingest, sends and their
// statuses, REST edits, sync mutations) and received by a real local HTTP receiver that verifies
// each delivery with the `standardwebhooks` reference library.

let w: WhatsAppWorld;
let org: TestOrg;
let rx: WebhookReceiver;
let secret: string;
let n: ConnectedNumber;

const types = () => rx.received.map((r) => verifyDelivery(secret, r).type);
const waitFor = (type: string, count = 1) =>
  rx.until(
    (all) => all.filter((r) => (JSON.parse(r.body) as { type: string }).type === type).length >= count,
  );
const ofType = (type: string) =>
  rx.received.map((r) => verifyDelivery(secret, r)).filter((p) => p.type === type);

beforeAll(async () => {
  rx = await startWebhookReceiver();
  w = await startWhatsAppWorld({
    app: {
      config: { webhookAllowPrivateUrls: true, webhookRetrySchedule: [0.05, 0.05] },
      sendQueue: { scanMs: 20, flushMs: 2, retryBaseMs: 20, retryMaxMs: 200 },
    },
  });
  org = await createOrg(w.t.app, 'Hooks');
  const res = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: org.admin.headers,
    payload: { url: rx.url, events: ['*'], description: 'all of it' },
  });
  expect(res.statusCode, res.body).toBe(201);
  secret = res.json<{ secret: string }>().secret;
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
}, 60_000);

afterAll(async () => {
  await w?.close();
  await rx?.close();
});

describe('events from the real change paths', () => {
  it('connecting a number and syncing templates: account.status_changed, template.status_changed', async () => {
    n = await w.connect(org.admin);
    await waitFor('account.status_changed');
    const [account] = ofType('account.status_changed');
    expect(account!.data).toMatchObject({
      id: n.account.id,
      status: 'connected',
      phoneNumberId: n.phoneNumberId,
    });
    expect(account!.data.changeSeq).toEqual(expect.any(Number));
    for (const tpl of demoTemplates()) w.emu.control.addTemplate(n.wabaId, tpl);
    const synced = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/whatsapp-accounts/${n.account.id}/sync-templates`,
      headers: org.admin.headers,
    });
    expect(synced.statusCode, synced.body).toBe(200);
    await waitFor('template.status_changed', demoTemplates().length);
    expect(ofType('template.status_changed')[0]!.data).toMatchObject({ whatsappAccountId: n.account.id });
  });

  let conversationId: string;
  let contactId: string;
  let customer: string;
  it('an inbound message: contact.created, conversation.created, message.received', async () => {
    customer = n.addCustomer('Ada');
    await n.send(customer, { type: 'text', body: 'Hello hooks' });
    await waitFor('message.received');
    await waitFor('conversation.created');
    await waitFor('contact.created');
    const [msg] = ofType('message.received');
    expect(msg!.data).toMatchObject({
      direction: 'inbound',
      type: 'text',
      text: 'Hello hooks',
      status: expect.any(String),
    });
    const [c] = await w.t.database.db
      .select({ conversationId: conversations.id, contactId: contacts.id })
      .from(contacts)
      .innerJoin(conversations, eq(conversations.contactId, contacts.id))
      .where(and(eq(contacts.organizationId, org.organizationId), eq(contacts.waId, customer)));
    conversationId = c!.conversationId;
    contactId = c!.contactId;
    expect(ofType('conversation.created')[0]!.data).toMatchObject({
      id: conversationId,
      contact: { id: contactId },
    });
    expect(ofType('contact.created')[0]!.data).toMatchObject({ id: contactId, waId: customer });
  });

  it('a send and its statuses: message.sent, message.delivered, message.read', async () => {
    const res = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/messages`,
      headers: org.admin.headers,
      payload: { type: 'text', text: 'Hi Ada' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json<{ id: string }>().id;
    for (const t of ['message.sent', 'message.delivered', 'message.read']) await waitFor(t);
    for (const t of ['message.sent', 'message.delivered', 'message.read']) {
      expect(ofType(t)).toHaveLength(1);
      expect(ofType(t)[0]!.data).toMatchObject({ id, direction: 'outbound', text: 'Hi Ada' });
    }
    // Receivers order states by the organization's change sequence.
    const seqs = ['message.sent', 'message.delivered', 'message.read'].map(
      (t) => ofType(t)[0]!.data.changeSeq as number,
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('a send Meta refuses asynchronously: message.failed', async () => {
    // The emulator forgets the customer: the next send is accepted, then fails (131026).
    w.emu.control.state.customers.delete(customer);
    const res = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/messages`,
      headers: org.admin.headers,
      payload: { type: 'text', text: 'Are you there?' },
    });
    expect(res.statusCode, res.body).toBe(202);
    await waitFor('message.failed');
    expect(ofType('message.failed')[0]!.data).toMatchObject({
      id: res.json<{ id: string }>().id,
      status: 'failed',
    });
  });

  it('REST edits: conversation.status_changed, contact.updated', async () => {
    const res = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${conversationId}`,
      headers: org.admin.headers,
      payload: { status: 'resolved' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await waitFor('conversation.status_changed');
    expect(ofType('conversation.status_changed')[0]!.data).toMatchObject({
      id: conversationId,
      status: 'resolved',
    });
    const edit = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contacts/${contactId}`,
      headers: org.admin.headers,
      payload: { name: 'Ada Lovelace' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    await waitFor('contact.updated');
    expect(ofType('contact.updated').at(-1)!.data).toMatchObject({ id: contactId, name: 'Ada Lovelace' });
  });

  it('sync mutations: conversation.assigned, contact.updated', async () => {
    const s = await connectSync(w.parleyUrl, org.admin);
    try {
      const ack = await s.push([
        mutation(s.clientId, 1, 'conversation.assign', { conversationId, assigneeId: org.agent.id }),
        mutation(s.clientId, 2, 'contact.update', { contactId, patch: { tags: ['vip'] } }),
      ]);
      expect(JSON.stringify(ack)).not.toMatch(/rejected/);
    } finally {
      s.close();
    }
    await waitFor('conversation.assigned');
    expect(ofType('conversation.assigned')[0]!.data).toMatchObject({
      id: conversationId,
      assigneeId: org.agent.id,
    });
    await rx.until(() => ofType('contact.updated').some((p) => (p.data.tags as string[]).includes('vip')));
  });

  it('every delivery verified, none doubled, and the outbox keeps one snapshot per object', async () => {
    await w.t.app.webhooksOut.drain();
    const ids = rx.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(types())).toEqual(
      new Set([
        'account.status_changed',
        'template.status_changed',
        'contact.created',
        'conversation.created',
        'message.received',
        'message.sent',
        'message.delivered',
        'message.read',
        'message.failed',
        'conversation.status_changed',
        'contact.updated',
        'conversation.assigned',
      ]),
    );
    const outbox = await w.t.database.db
      .select({ entityId: webhookChanges.entityId, fannedOut: webhookChanges.fannedOut })
      .from(webhookChanges)
      .where(eq(webhookChanges.organizationId, org.organizationId));
    expect(outbox.every((r) => r.fannedOut)).toBe(true);
    expect(new Set(outbox.map((r) => r.entityId)).size).toBe(outbox.length);
  });
});
