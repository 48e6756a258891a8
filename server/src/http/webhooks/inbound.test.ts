import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '#contract/api/conversations';
import type { Message } from '#contract/api/messages';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { signWebhookBody } from '../../meta/webhook-signature';
import { rowsOf } from '../../storage/change-log';
import { contacts, conversations, messages, syncLog, webhookReceipts } from '../../storage/schema/index';

// Every inbound type of the digest, end to end: the emulator signs and POSTs like Meta to Parley
// listening on 127.0.0.1, Parley acknowledges, processes, and the REST API shows the result.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Inbound');
  n = await w.connect(org.admin);
});
afterAll(() => w.close());

const api = async <T>(url: string, who = org.admin): Promise<T> => {
  const res = await w.t.app.inject({ url, headers: who.headers });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json<T>();
};
const conversationOf = async (customer: string, who = org.admin) => {
  const [c] = await w.t.database.db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.organizationId, who.organizationId), eq(contacts.waId, customer)));
  return api<Conversation>(`/api/v1/conversations/${c!.id}`, who);
};
const messagesOf = async (conversationId: string) =>
  (await api<{ data: Message[] }>(`/api/v1/conversations/${conversationId}/messages?limit=200`)).data;
const byWamid = async (wamid: string) => {
  const [m] = await w.t.database.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.organizationId, org.organizationId), eq(messages.waMessageId, wamid)));
  return m ? api<Message>(`/api/v1/messages/${m.id}`) : undefined;
};

describe('inbound message types', () => {
  it('turns every inbound type into a message with its parts', async () => {
    const c = n.addCustomer('Type Tester');
    const text = await n.send(c, { type: 'text', body: 'Hello 😀 مرحبا' });
    const pdf = Buffer.from('%PDF-1.4 invoice');
    const cases: Array<
      [
        Parameters<ConnectedNumber['send']>[1],
        Parameters<ConnectedNumber['send']>[2],
        Partial<Message> & Record<string, unknown>,
      ]
    > = [
      [{ type: 'image', caption: 'A photo' }, undefined, { type: 'image', caption: 'A photo' }],
      [{ type: 'video', caption: 'Clip' }, undefined, { type: 'video', caption: 'Clip' }],
      [
        { type: 'audio', voice: true },
        undefined,
        { type: 'audio', media: expect.objectContaining({ voice: true, mimeType: 'audio/ogg' }) },
      ],
      [
        { type: 'audio', voice: false },
        undefined,
        { type: 'audio', media: expect.objectContaining({ voice: false }) },
      ],
      [
        {
          type: 'document',
          filename: 'invoice.pdf',
          caption: 'Invoice',
          bytes: pdf,
          mimeType: 'application/pdf',
        },
        undefined,
        {
          type: 'document',
          caption: 'Invoice',
          media: expect.objectContaining({
            fileName: 'invoice.pdf',
            size: pdf.length,
            mimeType: 'application/pdf',
            state: 'ready',
          }),
        },
      ],
      [
        { type: 'sticker', animated: true },
        undefined,
        { type: 'sticker', media: expect.objectContaining({ animated: true, mimeType: 'image/webp' }) },
      ],
      [
        { type: 'location', latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Berlin' },
        undefined,
        {
          type: 'location',
          location: { latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Berlin' },
        },
      ],
      [
        {
          type: 'contacts',
          contacts: [
            {
              name: { formatted_name: 'Jane Roe', first_name: 'Jane' },
              phones: [{ phone: '+1 555 0100', wa_id: '15550100', type: 'CELL' }],
              emails: [{ email: 'jane@example.com' }],
            },
          ],
        },
        undefined,
        {
          type: 'contacts',
          contacts: [
            {
              name: { formattedName: 'Jane Roe', firstName: 'Jane' },
              phones: [{ phone: '+1 555 0100', waId: '15550100', type: 'CELL' }],
              emails: [{ email: 'jane@example.com' }],
              urls: [],
            },
          ],
        },
      ],
      [
        { type: 'interactive', reply: { type: 'button_reply', id: 'yes', title: 'Yes please' } },
        undefined,
        {
          type: 'interactive',
          interactive: { kind: 'button_reply', id: 'yes', title: 'Yes please', description: null },
        },
      ],
      [
        {
          type: 'interactive',
          reply: { type: 'list_reply', id: 'row-2', title: 'Large', description: '2 kg' },
        },
        undefined,
        {
          type: 'interactive',
          interactive: { kind: 'list_reply', id: 'row-2', title: 'Large', description: '2 kg' },
        },
      ],
      [
        {
          type: 'interactive',
          reply: { type: 'nfm_reply', name: 'flow', body: 'Sent', responseJson: '{"a":1}' },
        },
        undefined,
        {
          type: 'interactive',
          interactive: expect.objectContaining({ kind: 'nfm_reply' }),
          extra: expect.objectContaining({ responseJson: '{"a":1}' }),
        },
      ],
      [
        { type: 'button', payload: 'TRACK', text: 'Track order' },
        undefined,
        {
          type: 'button',
          text: 'Track order',
          interactive: { kind: 'quick_reply', id: 'TRACK', title: 'Track order' },
        },
      ],
      [
        {
          type: 'order',
          catalogId: 'cat-1',
          text: 'Please send',
          items: [{ productRetailerId: 'sku-1', quantity: 2, itemPrice: 9.5, currency: 'EUR' }],
        },
        undefined,
        {
          type: 'order',
          text: 'Please send',
          extra: {
            order: {
              catalogId: 'cat-1',
              text: 'Please send',
              items: [{ productRetailerId: 'sku-1', quantity: 2, itemPrice: 9.5, currency: 'EUR' }],
            },
          },
        },
      ],
      [
        {
          type: 'system',
          systemType: 'user_changed_number',
          newWaId: '15559990000',
          body: 'User changed number',
        },
        undefined,
        {
          type: 'system',
          text: 'User changed number',
          extra: { system: { type: 'user_changed_number', newWaId: '15559990000', newUserId: null } },
        },
      ],
      [
        { type: 'unsupported', unsupportedType: 'poll_creation' },
        undefined,
        {
          type: 'unsupported',
          extra: { unsupported: expect.objectContaining({ reason: 'poll_creation', code: 131051 }) },
        },
      ],
      [{ type: 'unknown' }, undefined, { type: 'unsupported' }],
      [
        { type: 'future', futureType: 'hologram', payload: { x: 1 } },
        undefined,
        {
          type: 'unsupported',
          extra: { unsupported: expect.objectContaining({ originalType: 'hologram' }) },
        },
      ],
      [
        { type: 'revoke', originalMessageId: text },
        undefined,
        { type: 'system', text: 'The customer deleted a message' },
      ],
      [
        { type: 'text', body: 'Forwarded' },
        { forwarded: true },
        { forwarded: true, frequentlyForwarded: false },
      ],
      [{ type: 'text', body: 'Viral' }, { frequentlyForwarded: true }, { frequentlyForwarded: true }],
      [
        { type: 'text', body: 'From the ad' },
        {
          referral: {
            sourceUrl: 'https://fb.me/ad',
            sourceId: '123',
            sourceType: 'ad',
            headline: 'Sale',
            ctwaClid: 'clid',
          },
        },
        {
          extra: {
            referral: expect.objectContaining({
              sourceUrl: 'https://fb.me/ad',
              sourceType: 'ad',
              ctwaClid: 'clid',
            }),
          },
        },
      ],
      [
        { type: 'text', body: 'About this product' },
        { referredProduct: { catalogId: 'cat-1', productRetailerId: 'sku-9' } },
        { extra: { referredProduct: { catalogId: 'cat-1', productRetailerId: 'sku-9' } } },
      ],
    ];
    const expected: Array<[string, Record<string, unknown>]> = [
      [text, { type: 'text', text: 'Hello 😀 مرحبا' }],
    ];
    for (const [action, decorations, shape] of cases)
      expected.push([await n.send(c, action, decorations), shape]);
    await w.settle();
    for (const [wamid, shape] of expected) {
      const m = await byWamid(wamid);
      expect(m, `${wamid} ${JSON.stringify(shape)}`).toMatchObject({
        direction: 'inbound',
        status: 'delivered',
        waMessageId: wamid,
        ...shape,
      });
    }
    const conv = await conversationOf(c);
    const list = await messagesOf(conv.id);
    expect(list).toHaveLength(expected.length);
    // Gap-free conversation sequence, newest first.
    expect(list.map((m) => m.convSeq)).toEqual(list.map((_, i) => expected.length - i));
    expect(conv.unreadCount).toBe(expected.length);
    expect(list.filter((m) => m.media).every((m) => m.media!.state === 'ready')).toBe(true);
  });

  it('links replies to the message they answer and keeps Meta’s timestamp', async () => {
    const c = n.addCustomer('Replier');
    const first = await n.send(c, { type: 'text', body: 'First' });
    const reply = await n.send(c, { type: 'text', body: 'Re: first' }, { replyTo: { from: c, id: first } });
    const dangling = await n.send(
      c,
      { type: 'text', body: 'Re: unknown' },
      { replyTo: { from: c, id: 'wamid.unknown' } },
    );
    const [a, b, d] = [await byWamid(first), await byWamid(reply), await byWamid(dangling)];
    expect(b!.replyToMessageId).toBe(a!.id);
    expect(d!.replyToMessageId).toBeNull();
    const seconds = Date.parse(a!.createdAt) / 1000;
    expect(Number.isInteger(seconds)).toBe(true); // Meta's timestamp (seconds), not processing time
  });

  it('makes users known only by their business-scoped id first-class contacts', async () => {
    const c = n.addCustomer('Ana B.', {
      userId: `DE.${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      username: 'ana.b',
      hidePhone: true,
    });
    await n.send(c, { type: 'text', body: 'no phone here' });
    await n.send(c, { type: 'text', body: 'again' });
    const rows = await w.t.database.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.organizationId, org.organizationId), eq(contacts.username, 'ana.b')));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      waId: null,
      phoneE164: null,
      profileName: 'Ana B.',
      bsuid: expect.stringMatching(/^DE\./),
    });
    const [conv] = await w.t.database.db
      .select()
      .from(conversations)
      .where(eq(conversations.contactId, rows[0]!.id));
    const api1 = await api<Conversation>(`/api/v1/conversations/${conv!.id}`);
    expect(api1.contact).toMatchObject({ name: 'Ana B.', phone: null, waId: null });
    expect(api1.unreadCount).toBe(2);
  });
});

describe('reactions', () => {
  it('adds, changes and removes a reaction on its target; a late older one never resurrects it', async () => {
    const c = n.addCustomer('Reactor');
    const target = await n.send(c, { type: 'text', body: 'React to me' });
    const { wamid: thumbs, delivery } = w.emu.control.customerSends(n.phoneNumberId, c, {
      type: 'reaction',
      messageId: target,
      emoji: '👍',
    });
    const firstDelivery = await delivery;
    await w.t.app.background.idle();
    expect((await byWamid(target))!.reactions).toEqual([
      { emoji: '👍', by: 'customer', at: expect.any(String) },
    ]);
    expect(await byWamid(thumbs)).toBeUndefined(); // a reaction is not a message of its own

    w.t.clock.advance(0);
    await new Promise((r) => setTimeout(r, 1100)); // Meta timestamps have one-second resolution
    await n.send(c, { type: 'reaction', messageId: target, emoji: '❤️' });
    expect((await byWamid(target))!.reactions!.map((r) => r.emoji)).toEqual(['❤️']);
    await new Promise((r) => setTimeout(r, 1100));
    await n.send(c, { type: 'reaction', messageId: target });
    expect((await byWamid(target))!.reactions).toEqual([]);

    // Meta redelivers the very first reaction late: signed bytes identical, older timestamp.
    const res = await fetch(`${w.parleyUrl}/webhooks/whatsapp/${n.account.id}`, {
      method: 'POST',
      body: firstDelivery!.body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': firstDelivery!.signature },
    });
    expect(res.status).toBe(200);
    await w.t.app.background.idle();
    expect((await byWamid(target))!.reactions).toEqual([]);
    const log = await w.t.database.db
      .select()
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.entity, 'reaction')))
      .orderBy(asc(syncLog.seq));
    expect(log.slice(-3).map((l) => l.op)).toEqual([1, 1, 2]); // put, put, del
  });

  it('ignores a reaction to a message Parley does not have', async () => {
    const c = n.addCustomer('Orphan');
    await n.send(c, { type: 'text', body: 'hi' });
    const before = await w.t.database.db
      .select()
      .from(messages)
      .where(eq(messages.organizationId, org.organizationId));
    await n.send(c, { type: 'reaction', messageId: 'wamid.never-seen', emoji: '😮' });
    const after = await w.t.database.db
      .select()
      .from(messages)
      .where(eq(messages.organizationId, org.organizationId));
    expect(after).toHaveLength(before.length);
  });
});

describe('the 24-hour window and reopening', () => {
  it('opens the window at Meta’s timestamp + 24 h and reopens resolved and snoozed conversations', async () => {
    const c = n.addCustomer('Returning');
    await n.send(c, { type: 'text', body: 'one' });
    let conv = await conversationOf(c);
    expect(Date.parse(conv.windowExpiresAt!) - Date.parse(conv.lastMessageAt!)).toBe(24 * 3600_000);
    for (const patch of [
      { status: 'resolved' },
      { status: 'snoozed' },
      { status: 'snoozed', snoozedUntil: '2099-01-01T00:00:00Z' },
    ]) {
      const res = await w.t.app.inject({
        method: 'PATCH',
        url: `/api/v1/conversations/${conv.id}`,
        headers: org.admin.headers,
        payload: patch,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().status).toBe(patch.status);
      await n.send(c, { type: 'text', body: `back after ${patch.status}` });
      conv = await conversationOf(c);
      expect(conv).toMatchObject({ status: 'open', snoozedUntil: null });
    }
    // A pending conversation stays pending.
    await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${conv.id}`,
      headers: org.admin.headers,
      payload: { status: 'pending' },
    });
    await n.send(c, { type: 'text', body: 'still pending' });
    expect((await conversationOf(c)).status).toBe('pending');
  });
});

describe('media', () => {
  it('fetches inbound media, stores it with sha256, and serves it to the organization only', async () => {
    const c = n.addCustomer('Photographer');
    const bytes = Buffer.from(`fake-jpeg-${randomUUID()}`);
    const wamid = await n.send(c, { type: 'image', bytes, mimeType: 'image/jpeg', caption: 'look' });
    await w.settle();
    const m = (await byWamid(wamid))!;
    expect(m.media).toMatchObject({ state: 'ready', mimeType: 'image/jpeg', size: bytes.length });
    const sha = createHash('sha256').update(bytes).digest('hex');
    // The organization's manager reads it (which agents may is the visibility matrix's job).
    const res = await w.t.app.inject({ url: `/api/v1/media/${m.media!.id}`, headers: org.manager.headers });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(bytes.length),
      etag: `"${sha}"`,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    const cached = await w.t.app.inject({
      url: `/api/v1/media/${m.media!.id}`,
      headers: { ...org.manager.headers, 'if-none-match': `"${sha}"` },
    });
    expect(cached.statusCode).toBe(304);
    const stranger = await createOrg(w.t.app, 'Stranger');
    const other = await w.t.app.inject({
      url: `/api/v1/media/${m.media!.id}`,
      headers: stranger.admin.headers,
    });
    expect(other.statusCode).toBe(404);
    expect((await w.t.app.inject({ url: `/api/v1/media/${m.media!.id}` })).statusCode).toBe(401);
  });
});

describe('routing', () => {
  const raw = async (body: string, secret = n.appSecret) => {
    const res = await fetch(`${w.parleyUrl}/webhooks/whatsapp/${n.account.id}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, secret) },
    });
    expect(res.status).toBe(200);
    await w.t.app.background.idle();
  };
  const envelope = (phoneNumberId: string, wamid: string, from = '15550001111') =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: n.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550000000', phone_number_id: phoneNumberId },
                contacts: [{ profile: { name: 'X' }, wa_id: from }],
                messages: [
                  {
                    from,
                    id: wamid,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'routed?' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  const stored = async (wamid: string) =>
    w.t.database.db.select().from(messages).where(eq(messages.waMessageId, wamid));

  it('acknowledges events for a number no account owns and stores nothing', async () => {
    const wamid = `wamid.${randomUUID()}`;
    await raw(envelope('123456789000001', wamid));
    expect(await stored(wamid)).toEqual([]);
    if (w.t.database.engine === 'pglite')
      expect(w.t.app.background.dropped().at(-1)).toMatchObject({
        reason: 'no account owns this phone number',
      });
  });

  it('routes a batch across two organizations’ numbers of one Meta app, and never to an account with another secret', async () => {
    const orgB = await createOrg(w.t.app, 'Same app');
    const sameApp = await w.connect(orgB.admin, { appSecret: n.appSecret });
    const foreign = await w.connect(orgB.admin);
    // Both numbers of the app deliver to one callback: the emulator batches them into one POST.
    w.emu.control.configureWebhook(sameApp.phoneNumberId, {
      callbackUrl: `${w.parleyUrl}/webhooks/whatsapp/${n.account.id}`,
      appSecret: n.appSecret,
    });
    const [ca, cb] = [n.addCustomer('Batch A'), sameApp.addCustomer('Batch B')];
    const records = await w.emu.control.deliverBatch([
      {
        kind: 'message',
        phoneNumberId: n.phoneNumberId,
        customer: ca,
        action: { type: 'text', body: 'to A 1' },
      },
      {
        kind: 'message',
        phoneNumberId: sameApp.phoneNumberId,
        customer: cb,
        action: { type: 'text', body: 'to B' },
      },
      {
        kind: 'message',
        phoneNumberId: n.phoneNumberId,
        customer: ca,
        action: { type: 'text', body: 'to A 2' },
      },
    ]);
    expect(records).toHaveLength(1);
    await w.settle();
    const a = await conversationOf(ca);
    expect((await messagesOf(a.id)).map((m) => m.text)).toEqual(['to A 2', 'to A 1']);
    const b = await conversationOf(cb, orgB.admin);
    expect(b.whatsappAccountId).toBe(sameApp.account.id);

    // A number whose account has another app secret: the URL's secret proves nothing for it.
    const wamid = `wamid.${randomUUID()}`;
    await raw(envelope(foreign.phoneNumberId, wamid));
    expect(await stored(wamid)).toEqual([]);
  });

  it('survives hostile JSON: deep nesting, __proto__, huge strings, invalid UTF-8, wrong types', async () => {
    const hostile = [
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
              },
            ],
          },
        ],
      }).replace('"value":{', '"value":{"__proto__":{"polluted":true},'),
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'x'.repeat(2_000_000), changes: [] }],
      }),
      JSON.stringify({ object: 'whatsapp_business_account', entry: 'not-an-array' }),
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 5,
            changes: [{ field: 'messages', value: { messages: [{ id: 7, type: {}, timestamp: 'x' }] } }],
          },
        ],
      }),
      'not json at all',
    ];
    for (const body of hostile) await raw(body);
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"object":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const res = await fetch(`${w.parleyUrl}/webhooks/whatsapp/${n.account.id}`, {
      method: 'POST',
      body: invalidUtf8,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWebhookBody(invalidUtf8, n.appSecret),
      },
    });
    expect(res.status).toBe(200);
    await w.t.app.background.idle();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const failed = await w.t.database.db
      .select({ lastError: webhookReceipts.lastError, processedAt: webhookReceipts.processedAt })
      .from(webhookReceipts)
      .where(
        and(
          eq(webhookReceipts.whatsappAccountId, n.account.id),
          sql`${webhookReceipts.lastError} is not null`,
        ),
      );
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect(failed.every((f) => f.processedAt !== null)).toBe(true); // settled, never blocking the queue
    // The queue still flows.
    const c = n.addCustomer('After the storm');
    const wamid = await n.send(c, { type: 'text', body: 'still here' });
    expect(await byWamid(wamid)).toMatchObject({ text: 'still here' });
  });
});

// Issue 9, finding 1: U+0000 or a lone surrogate in a signed webhook used to fail the whole POST
// eight times and then drop it with every other customer's message in it.
describe('unstorable characters in a webhook', () => {
  it('stores a poison message sanitised and flagged for admins, and its neighbour in the same POST untouched', async () => {
    const [poisonWamid, okWamid] = [`wamid.${randomUUID()}`, `wamid.${randomUUID()}`];
    const ts = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({
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
                contacts: [
                  { profile: { name: 'Nul\u0000l \ud800' }, wa_id: '15550002001' },
                  { profile: { name: 'Plain Neighbour' }, wa_id: '15550002002' },
                ],
                messages: [
                  {
                    from: '15550002001',
                    id: poisonWamid,
                    timestamp: ts,
                    type: 'text',
                    text: { body: 'a\u0000b\udfff' },
                  },
                  {
                    from: '15550002002',
                    id: okWamid,
                    timestamp: ts,
                    type: 'text',
                    text: { body: 'just hello' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(body).toContain('\\u0000');
    const res = await fetch(`${w.parleyUrl}/webhooks/whatsapp/${n.account.id}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWebhookBody(body, n.appSecret),
      },
    });
    expect(res.status).toBe(200);
    await w.t.app.background.idle();

    expect(await byWamid(okWamid)).toMatchObject({ text: 'just hello' });
    expect(await byWamid(poisonWamid)).toMatchObject({ text: 'a\uFFFDb\uFFFD' });
    const [contact] = await w.t.database.db
      .select({ profileName: contacts.profileName })
      .from(contacts)
      .where(and(eq(contacts.organizationId, org.organizationId), eq(contacts.waId, '15550002001')));
    expect(contact?.profileName).toBe('Nul\uFFFDl \uFFFD');

    // Flagged where admins look: the quarantine (admins only) and the audit log.
    const list = await w.t.app.inject({
      url: '/api/v1/webhook-quarantine?outcome=sanitized',
      headers: org.admin.headers,
    });
    expect(list.statusCode, list.body).toBe(200);
    const entry = list.json().data.find((e: { externalId: string }) => e.externalId === poisonWamid);
    expect(entry).toMatchObject({
      outcome: 'sanitized',
      eventKind: 'message',
      whatsappAccountId: n.account.id,
    });
    expect(list.json().data.some((e: { externalId: string }) => e.externalId === okWamid)).toBe(false);
    for (const who of [org.agent, org.manager]) {
      const denied = await w.t.app.inject({ url: '/api/v1/webhook-quarantine', headers: who.headers });
      expect(denied.statusCode).toBe(403);
    }
    const audit = await w.t.app.inject({
      url: '/api/v1/audit-events?action=webhook.*',
      headers: org.admin.headers,
    });
    expect(audit.json().data.some((e: { target: { label: string } }) => e.target.label === poisonWamid)).toBe(
      true,
    );
  });
});

describe('sync log', () => {
  it('logs contact, conversation and message puts for an inbound message, gap-free', async () => {
    const c = n.addCustomer('Logged');
    const wamid = await n.send(c, { type: 'text', body: 'log me' });
    const m = (await byWamid(wamid))!;
    const log = await w.t.database.db
      .select()
      .from(syncLog)
      .where(eq(syncLog.organizationId, org.organizationId))
      .orderBy(asc(syncLog.seq));
    const conv = await api<Conversation>(`/api/v1/conversations/${m.conversationId}`);
    const mine = log.filter((l) => [m.id, m.conversationId, conv.contact.id].includes(l.entityId));
    expect(mine.map((l) => l.entity)).toEqual(expect.arrayContaining(['contact', 'conversation', 'message']));
    expect(log.map((l) => l.seq)).toEqual(log.map((_, i) => i + 1));
    const [row] = rowsOf<{ version: string | number }>(
      await w.t.database.db.execute(sql`select version from messages where id = ${m.id}`),
    );
    expect(Number(row!.version)).toBe(log.find((l) => l.entityId === m.id)!.seq);
  });
});
