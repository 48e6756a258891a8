import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey } from '#contract/api/api-keys';
import { createOrg, type LoggedIn } from '../../../test/factories';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import { apiKeys, auditEvents, messages } from '../../storage/schema/index';

// API keys end to end: admin management, key authentication with scopes, allow-lists, expiry and
// revocation, attribution of sends, client-credentials tokens and the per-key rate limit.

let w: OutboundWorld;
let conv: { conversationId: string };
let messageId: string;

const inject = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  auth: LoggedIn | string | undefined,
  payload?: object,
  extra: Record<string, string> = {},
) =>
  w.t.app.inject({
    method,
    url,
    headers: {
      ...(typeof auth === 'string' ? { authorization: `Bearer ${auth}` } : auth?.headers),
      ...extra,
    },
    ...(payload && { payload }),
  });

const createKey = async (body: Record<string, unknown>, who: LoggedIn = w.org.admin) => {
  const res = await inject('POST', '/api/v1/api-keys', who, {
    name: 'CRM',
    scopes: ['messages:read'],
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<CreatedApiKey>();
};

beforeAll(async () => {
  w = await startOutboundWorld();
  conv = await w.customer('Keyed');
  const sent = await w.send(conv.conversationId, { type: 'text', text: 'hello' });
  expect(sent.status).toBe(202);
  messageId = sent.body.id;
}, 240_000);
afterAll(() => w?.close());

describe('API key management (admins)', () => {
  it('creates a key shown once, lists it without the secret, changes and revokes it, all audited', async () => {
    const created = await createKey({ name: 'CRM sync', scopes: ['messages:read', 'messages:send'] });
    expect(created.key).toMatch(/^pk_live_[0-9A-Za-z]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created).toMatchObject({ name: 'CRM sync', createdBy: w.org.admin.id, revokedAt: null });
    const [row] = await w.t.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.secretHash).not.toContain(created.key.slice(8));
    expect(row!.secretHash).toMatch(/^[0-9a-f]{64}$/);

    const list = await inject('GET', '/api/v1/api-keys', w.org.admin);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.key);
    expect(list.json().data.map((k: { id: string }) => k.id)).toContain(created.id);

    const patched = await inject('PATCH', `/api/v1/api-keys/${created.id}`, w.org.admin, {
      name: 'CRM',
      allowedIps: ['203.0.113.0/24', '::ffff:198.51.100.7'],
      rateLimitPerMinute: 50,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'CRM',
      allowedIps: ['203.0.113.0/24', '198.51.100.7'],
      rateLimitPerMinute: 50,
    });
    expect((await inject('DELETE', `/api/v1/api-keys/${created.id}`, w.org.admin)).statusCode).toBe(204);
    expect((await inject('DELETE', `/api/v1/api-keys/${created.id}`, w.org.admin)).statusCode).toBe(204);
    expect(
      (await inject('PATCH', `/api/v1/api-keys/${created.id}`, w.org.admin, { name: 'x' })).statusCode,
    ).toBe(409);

    const events = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.targetId, created.id));
    expect(events.map((e) => e.action).sort()).toEqual([
      'api_key.created',
      'api_key.revoked',
      'api_key.updated',
    ]);
    expect(JSON.stringify(events)).not.toContain(created.key);
  });

  it('refuses non-admins, keys themselves, and bad input (nothing written)', async () => {
    const before = (await w.t.database.db.select().from(apiKeys)).length;
    const r1 = await inject('POST', '/api/v1/api-keys', w.org.manager, {
      name: 'x',
      scopes: ['messages:read'],
    });
    expect(r1.statusCode).toBe(403);
    for (const body of [
      { name: '', scopes: ['messages:read'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['members:manage'] },
      { name: 'x', scopes: ['messages:read'], allowedIps: ['999.1.1.1'] },
      { name: 'x', scopes: ['messages:read'], allowedIps: ['10.0.0.0/33'] },
      { name: 'x', scopes: ['messages:read'], expiresAt: '2001-01-01T00:00:00Z' },
      { name: 'x', scopes: ['messages:read'], expiresAt: 'tomorrow' },
      { name: 'a\u0000b', scopes: ['messages:read'] },
      { name: 'x', scopes: ['messages:read'], rateLimitPerMinute: 0 },
    ]) {
      const res = await inject('POST', '/api/v1/api-keys', w.org.admin, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
      expect(res.json().error.message.length).toBeGreaterThan(5);
    }
    const key = await createKey({ scopes: [...['messages:read', 'messages:send', 'contacts:read']] });
    const asKey = await inject('GET', '/api/v1/api-keys', key.key);
    expect(asKey.statusCode).toBe(403);
    expect(asKey.json().error.code).toBe('forbidden');
    expect((await w.t.database.db.select().from(apiKeys)).length).toBe(before + 1);
  });
});

describe('key authentication', () => {
  it('reads with the scope; names a missing scope; refuses routes without one', async () => {
    const key = await createKey({ scopes: ['messages:read'] });
    const ok = await inject('GET', `/api/v1/messages/${messageId}`, key.key);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers['ratelimit-limit']).toBe('600');
    expect(Number(ok.headers['ratelimit-remaining'])).toBeLessThan(600);
    const denied = await inject('GET', '/api/v1/contacts', key.key);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'insufficient_scope' });
    expect(denied.json().error.message).toContain('contacts:read');
    const members = await inject('GET', '/api/v1/users', key.key);
    expect(members.statusCode).toBe(403);
    const bogus = await inject('GET', `/api/v1/messages/${messageId}`, `pk_live_${'A'.repeat(43)}`);
    expect(bogus.statusCode).toBe(401);
  });

  it('another organization\u2019s key sees nothing of this one', async () => {
    const other = await createOrg(w.t.app, 'Other keyed org');
    const key = await createKey({ scopes: ['messages:read', 'conversations:read'] }, other.admin);
    expect((await inject('GET', `/api/v1/messages/${messageId}`, key.key)).statusCode).toBe(404);
    expect((await inject('GET', `/api/v1/conversations/${conv.conversationId}`, key.key)).statusCode).toBe(
      404,
    );
    const list = await inject('GET', '/api/v1/conversations', key.key);
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([]);
  });

  it('refuses a revoked key at once and an expired one as soon as it expires', async () => {
    const key = await createKey({
      scopes: ['messages:read'],
      expiresAt: new Date(w.t.clock.now().getTime() + 60_000).toISOString(),
    });
    expect((await inject('GET', `/api/v1/messages/${messageId}`, key.key)).statusCode).toBe(200);
    w.t.clock.advance(61_000);
    const expired = await inject('GET', `/api/v1/messages/${messageId}`, key.key);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('token_expired');
    w.t.clock.advance(-61_000);

    const revoked = await createKey({ scopes: ['messages:read'] });
    expect((await inject('GET', `/api/v1/messages/${messageId}`, revoked.key)).statusCode).toBe(200);
    await inject('DELETE', `/api/v1/api-keys/${revoked.id}`, w.org.admin);
    const after = await inject('GET', `/api/v1/messages/${messageId}`, revoked.key);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toContain('revoked');
  });

  it('enforces the allow-list and names the caller\u2019s address', async () => {
    const key = await createKey({ scopes: ['messages:read'], allowedIps: ['203.0.113.0/24'] });
    const res = await inject('GET', `/api/v1/messages/${messageId}`, key.key);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'ip_not_allowed' });
    expect(res.json().error.message).toContain('127.0.0.1');
    const from = await w.t.app.inject({
      method: 'GET',
      url: `/api/v1/messages/${messageId}`,
      headers: { authorization: `Bearer ${key.key}` },
      remoteAddress: '203.0.113.9',
    });
    expect(from.statusCode).toBe(200);
  });

  it('attributes sends to the key, audits the write, and records the last use coalesced', async () => {
    const key = await createKey({ name: 'Shop backend', scopes: ['messages:send', 'messages:read'] });
    const res = await inject('POST', `/api/v1/conversations/${conv.conversationId}/messages`, key.key, {
      type: 'text',
      text: 'Your order shipped',
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ authorId: null, apiKeyId: key.id });
    const [row] = await w.t.database.db.select().from(messages).where(eq(messages.id, res.json().id));
    expect(row).toMatchObject({ authorId: null, apiKeyId: key.id });
    // Recorded after the answer (coalesced-audit.ts): wait for it rather than race it.
    const audited = async () =>
      (await w.t.database.db.select().from(auditEvents).where(eq(auditEvents.actorId, key.id))).map((e) => [
        e.actorKind,
        e.action,
        e.actorLabel,
      ]);
    await expect
      .poll(audited, { timeout: 5_000, interval: 20 })
      .toContainEqual(['api_key', 'api_key.write', 'API key Shop backend']);
    const [before] = await w.t.database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(before!.lastUsedAt).toBeNull();
    await w.t.app.apiPlatform.check.flush();
    const [after] = await w.t.database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(after!.lastUsedIp).toBe('127.0.0.1');
    expect(after!.lastUsedAt).not.toBeNull();
  });
});

describe('rate limit', () => {
  it('answers 429 rate_limited with Retry-After past the key\u2019s limit', async () => {
    const key = await createKey({ scopes: ['messages:read'], rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const r = await inject('GET', `/api/v1/messages/${messageId}`, key.key);
      expect(r.statusCode).toBe(200);
      expect(r.headers['ratelimit-limit']).toBe('3');
      expect(r.headers['ratelimit-remaining']).toBe(String(2 - i));
    }
    const over = await inject('GET', `/api/v1/messages/${messageId}`, key.key);
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.headers['ratelimit-remaining']).toBe('0');
    // Members are not counted.
    expect(
      (await inject('GET', `/api/v1/messages/${messageId}`, w.org.admin)).headers['ratelimit-limit'],
    ).toBeUndefined();
  });
});

describe('OAuth client credentials', () => {
  const token = (payload: string | object, headers: Record<string, string> = {}) =>
    w.t.app.inject({
      method: 'POST',
      url: '/api/v1/oauth/token',
      headers:
        typeof payload === 'string'
          ? { 'content-type': 'application/x-www-form-urlencoded', ...headers }
          : headers,
      payload,
    });

  it('issues narrowed tokens from form, JSON or Basic; they work like the key and die with it', async () => {
    const key = await createKey({ scopes: ['messages:read', 'contacts:read'] });
    const form = await token(
      `grant_type=client_credentials&client_id=${key.id}&client_secret=${key.key}&scope=messages:read`,
    );
    expect(form.statusCode, form.body).toBe(200);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.json()).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'messages:read' });
    const access = form.json().access_token as string;
    expect((await inject('GET', `/api/v1/messages/${messageId}`, access)).statusCode).toBe(200);
    const narrowed = await inject('GET', '/api/v1/contacts', access);
    expect(narrowed.statusCode).toBe(403);
    expect(narrowed.json().error.code).toBe('insufficient_scope');

    const json = await token({
      grant_type: 'client_credentials',
      client_id: key.id,
      client_secret: key.key,
      expires_in: 999_999,
    });
    expect(json.json()).toMatchObject({ expires_in: 3600, scope: 'messages:read contacts:read' });
    const basic = await token('grant_type=client_credentials', {
      authorization: `Basic ${Buffer.from(`${key.id}:${key.key}`).toString('base64')}`,
    });
    expect(basic.statusCode).toBe(200);

    await inject('DELETE', `/api/v1/api-keys/${key.id}`, w.org.admin);
    expect((await inject('GET', `/api/v1/messages/${messageId}`, access)).statusCode).toBe(401);
  });

  it('answers RFC 6749 errors', async () => {
    const key = await createKey({ scopes: ['messages:read'] });
    const cases: [string | object, number, string][] = [
      [
        `grant_type=client_credentials&client_id=${key.id}&client_secret=pk_live_${'b'.repeat(43)}`,
        401,
        'invalid_client',
      ],
      [`grant_type=client_credentials&client_id=${key.id}`, 401, 'invalid_client'],
      [
        `grant_type=client_credentials&client_id=${key.id}&client_secret=${key.key}&scope=contacts:read`,
        400,
        'invalid_scope',
      ],
      [
        `grant_type=client_credentials&client_id=${key.id}&client_secret=${key.key}&scope=nope`,
        400,
        'invalid_scope',
      ],
      [`grant_type=password&client_id=${key.id}&client_secret=${key.key}`, 400, 'unsupported_grant_type'],
      [{ client_id: key.id, client_secret: key.key }, 400, 'invalid_request'],
      [
        { grant_type: 'client_credentials', client_id: key.id, client_secret: key.key, expires_in: 'soon' },
        400,
        'invalid_request',
      ],
    ];
    for (const [body, status, error] of cases) {
      const res = await token(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json()).toMatchObject({ error });
      expect(typeof res.json().error_description).toBe('string');
    }
  });
});
