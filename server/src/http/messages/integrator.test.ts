import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../../test/api-client';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import { contacts, conversations, messages, whatsappAccounts } from '../../storage/schema/index';

// The integrator's message routes, called through the typed client generated from the OpenAPI
// document with an API key: send to a number or a contact from the only number, read one
// message, list the organization's messages with filters and keyset pages, and the refusals.

let w: OutboundWorld;
let api: ReturnType<typeof apiClient>;
let keyId: string;

beforeAll(async () => {
  w = await startOutboundWorld();
  const res = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: w.org.admin.headers,
    payload: { name: 'Shop', scopes: ['messages:send', 'messages:read'] },
  });
  expect(res.statusCode, res.body).toBe(201);
  keyId = res.json().id;
  api = apiClient(w.t.app, res.json().key);
}, 240_000);
afterAll(() => w?.close());

const count = async () => ({
  messages: (
    await w.t.database.db.select().from(messages).where(eq(messages.organizationId, w.org.organizationId))
  ).length,
  contacts: (
    await w.t.database.db.select().from(contacts).where(eq(contacts.organizationId, w.org.organizationId))
  ).length,
});

describe('POST /api/v1/messages', () => {
  it('sends to a number from the only connected number, attributed to the key', async () => {
    const c = await w.customer('Integrator');
    const { data, error, response } = await api.POST('/api/v1/messages', {
      body: { to: `+${c.phone}`, message: { type: 'text', text: 'Your order shipped' } },
    });
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(response.status).toBe(202);
    expect(data).toMatchObject({
      conversationId: c.conversationId,
      apiKeyId: keyId,
      // Agents see which key sent it ("via API key Shop"), never the key itself.
      apiKeyName: 'Shop',
      authorId: null,
      status: 'queued',
    });

    const one = await api.GET('/api/v1/messages/{id}', { params: { path: { id: data!.id } } });
    expect(one.data).toMatchObject({ id: data!.id, type: 'text', text: 'Your order shipped' });

    const byContact = await api.POST('/api/v1/messages', {
      body: { contactId: c.contactId, message: { type: 'text', text: 'And a second one' } },
      headers: { 'idempotency-key': 'integrator-1' },
    });
    expect(byContact.response.status).toBe(202);
    const replay = await api.POST('/api/v1/messages', {
      body: { contactId: c.contactId, message: { type: 'text', text: 'And a second one' } },
      headers: { 'idempotency-key': 'integrator-1' },
    });
    expect(replay.response.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.data!.id).toBe(byContact.data!.id);
  });

  it('refuses with window_closed, opted_out, account_unavailable and invalid_input, writing nothing', async () => {
    const before = await count();
    const fresh = await api.POST('/api/v1/messages', {
      body: { to: '+15559870001', message: { type: 'text', text: 'Cold hello' } },
    });
    expect(fresh.response.status).toBe(422);
    expect(fresh.error?.error.code).toBe('window_closed');
    expect(fresh.error?.error.message).toContain('template');

    const c = await w.customer('Opted out');
    await w.t.database.db.update(contacts).set({ optedOut: true }).where(eq(contacts.id, c.contactId));
    const opted = await api.POST('/api/v1/messages', {
      body: { contactId: c.contactId, message: { type: 'text', text: 'Hi' } },
    });
    expect(opted.error?.error.code).toBe('opted_out');

    for (const body of [
      { to: '+15550000000', contactId: c.contactId, message: { type: 'text' as const, text: 'x' } },
      { message: { type: 'text' as const, text: 'x' } },
      { to: 'not a number', message: { type: 'text' as const, text: 'x' } },
      { to: '+15550000000', message: { type: 'text' as const, text: '' } },
    ]) {
      const bad = await api.POST('/api/v1/messages', { body });
      expect(bad.response.status, JSON.stringify(body)).toBe(400);
      expect(bad.error?.error.code).toBe('invalid_input');
    }
    // Media by URL at an address Parley must not fetch from (ALLOW_PRIVATE_MEDIA_URLS is off here).
    for (const url of [
      'https://127.0.0.1/a.jpg',
      'https://10.0.0.8/a.jpg',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/a.jpg',
    ]) {
      const ssrf = await api.POST('/api/v1/messages', {
        body: { to: '+15550000000', media: { url, type: 'image' } },
      });
      expect(ssrf.response.status, url).toBe(400);
      expect(ssrf.error?.error.code).toBe('invalid_input');
      expect(ssrf.error?.error.message).toContain('private or reserved address');
    }
    const unknownContact = await api.POST('/api/v1/messages', {
      body: { contactId: '00000000-0000-4000-8000-000000000000', message: { type: 'text', text: 'x' } },
    });
    expect(unknownContact.response.status).toBe(404);

    await w.t.database.db
      .update(whatsappAccounts)
      .set({ status: 'token_invalid' })
      .where(eq(whatsappAccounts.id, w.number.account.id));
    const unavailable = await api.POST('/api/v1/messages', {
      body: { to: '+15559870002', message: { type: 'text', text: 'Hi' } },
    });
    expect(unavailable.response.status).toBe(422);
    expect(unavailable.error?.error.code).toBe('account_unavailable');
    await w.t.database.db
      .update(whatsappAccounts)
      .set({ status: 'connected' })
      .where(eq(whatsappAccounts.id, w.number.account.id));
    const after = await count();
    // The opted-out customer's own inbound message is the only new row.
    expect(after).toEqual({ messages: before.messages + 1, contacts: before.contacts + 1 });
  });
});

describe('GET /api/v1/messages', () => {
  it('lists the organization newest first with filters and keyset pages', async () => {
    const c = await w.customer('Lister');
    for (const text of ['one', 'two', 'three'])
      expect(
        (
          await api.POST('/api/v1/messages', {
            body: { contactId: c.contactId, message: { type: 'text', text } },
          })
        ).response.status,
      ).toBe(202);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await api.GET('/api/v1/messages', {
        params: { query: { conversationId: c.conversationId, limit: 1, ...(cursor && { cursor }) } },
      });
      expect(page.response.status).toBe(200);
      seen.push(...page.data!.data.map((m) => m.text ?? ''));
      if (!page.data!.nextCursor) break;
      cursor = page.data!.nextCursor;
    }
    expect(seen).toEqual(['three', 'two', 'one', 'Hello from Lister']);
    const inbound = await api.GET('/api/v1/messages', {
      params: { query: { contactId: c.contactId, direction: 'inbound' } },
    });
    expect(inbound.data!.data.map((m) => m.text)).toEqual(['Hello from Lister']);
    const future = await api.GET('/api/v1/messages', {
      params: { query: { since: new Date(Date.now() + 3600_000).toISOString() } },
    });
    expect(future.data!.data).toEqual([]);
    const badCursor = await api.GET('/api/v1/messages', { params: { query: { cursor: 'garbage' } } });
    expect(badCursor.response.status).toBe(400);
    expect(badCursor.error?.error.code).toBe('invalid_input');
    const badStatus = await w.t.app.inject({
      url: '/api/v1/messages?status=lost',
      headers: w.org.admin.headers,
    });
    expect(badStatus.statusCode).toBe(400);
    const conv = await w.t.database.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, c.conversationId));
    expect(conv).toHaveLength(1);
  });
});
