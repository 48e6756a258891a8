import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, type ApiScope } from '#contract/api/api-keys';
import { createOrg, type TestOrg } from '../../../test/factories';
import { multipartBody, startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import { generateJpeg } from '../../meta-emulator/media-samples';
import { apiKeys, contacts, conversations, media, messages } from '../../storage/schema/index';
import { inAnyOrder } from '../../../test/in-any-order';

// The cross-tenant × cross-scope matrix, driven by the route table: every route an API key may
// call (it declares a scope) × (no credentials, another organization's key, a key without the
// scope, a revoked key, an expired key, a key called from outside its allow-list) answers the
// right refusal and writes nothing; every authenticated route without a scope refuses a key
// holding every scope. A new route is covered the moment it is registered.

let w: OutboundWorld;
let other: TestOrg;
let ids: {
  conversationId: string;
  contactId: string;
  messageId: string;
  mediaId: string;
  templateId: string;
  webhookId: string;
  intakeId: string;
};

const PUBLIC = new Set([
  'POST /api/v1/signup',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/invitations/accept',
  'POST /api/v1/oauth/token',
  'GET /api/v1/openapi.json',
]);

const newKey = async (org: TestOrg, scopes: readonly ApiScope[], extra: object = {}) => {
  const res = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: org.admin.headers,
    payload: { name: 'Matrix', scopes, ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; key: string }>();
};

beforeAll(async () => {
  w = await startOutboundWorld();
  other = await createOrg(w.t.app, 'Matrix other org');
  const c = await w.customer('Matrix');
  const sent = await w.send(c.conversationId, { type: 'text', text: 'hi' });
  const m = multipartBody({ bytes: generateJpeg(), mimeType: 'image/jpeg', fileName: 'a.jpg' });
  const up = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/media',
    headers: { ...w.org.admin.headers, ...m.headers },
    payload: m.payload,
  });
  const tpl = (await w.t.app.inject({ url: '/api/v1/templates', headers: w.org.admin.headers })).json()
    .data[0];
  ids = {
    conversationId: c.conversationId,
    contactId: c.contactId,
    messageId: sent.body.id,
    mediaId: up.json().id,
    templateId: tpl.id,
    webhookId: '',
    intakeId: '',
  };
  // A real endpoint, so the webhook :id routes are probed with an id that exists.
  const hook = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: w.org.admin.headers,
    payload: { url: 'https://hooks.matrix.example/in', events: ['*'] },
  });
  expect(hook.statusCode, hook.body).toBe(201);
  ids.webhookId = hook.json().id;
  // A real intake, so the leads route is probed with an id that exists (keys never manage intakes).
  const intake = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/intakes',
    headers: w.org.admin.headers,
    payload: { name: 'Matrix intake', whatsappAccountId: w.number.account.id },
  });
  expect(intake.statusCode, intake.body).toBe(201);
  ids.intakeId = intake.json().id;
}, 240_000);
afterAll(() => w?.close());

const idFor = (url: string): string => {
  if (url.startsWith('/api/v1/conversations/')) return ids.conversationId;
  if (url.startsWith('/api/v1/contacts/')) return ids.contactId;
  if (url.startsWith('/api/v1/messages/')) return ids.messageId;
  if (url.startsWith('/api/v1/media/')) return ids.mediaId;
  if (url.startsWith('/api/v1/templates/')) return ids.templateId;
  if (url.startsWith('/api/v1/whatsapp-accounts/')) return w.number.account.id;
  if (url.startsWith('/api/v1/webhooks/')) return ids.webhookId;
  if (url.startsWith('/api/v1/intakes/')) return ids.intakeId;
  throw new Error(`No id for ${url}; add one to the key matrix`);
};

/** A valid request per scoped route (so a refusal cannot hide behind a 400). */
const requestFor = (
  method: string,
  url: string,
): { payload?: string | Buffer | object; headers?: Record<string, string> } => {
  const key = `${method} ${url}`;
  if (key === 'POST /api/v1/media') {
    const m = multipartBody({ bytes: generateJpeg(), mimeType: 'image/jpeg', fileName: 'b.jpg' });
    return { payload: m.payload, headers: m.headers };
  }
  const bodies: Record<string, object> = {
    'POST /api/v1/conversations/:id/messages': { type: 'text', text: 'matrix' },
    'POST /api/v1/messages': { to: '+15557770001', message: { type: 'text', text: 'matrix' } },
    'POST /api/v1/contacts': { phone: '+15557770002' },
    'PATCH /api/v1/contacts/:id': { name: 'Matrix' },
    'PATCH /api/v1/conversations/:id': { important: true },
    'POST /api/v1/webhooks': { url: 'https://hooks.matrix.example/other', events: ['*'] },
    'PATCH /api/v1/webhooks/:id': { description: 'Matrix' },
    'POST /api/v1/intakes/:id/leads': { phone: '+15557770003', name: 'Matrix' },
  };
  return bodies[key] ? { payload: bodies[key] } : {};
};

const snapshot = async () => {
  const db = w.t.database.db;
  const o = w.org.organizationId;
  return inAnyOrder({
    messages: await db.select().from(messages).where(eq(messages.organizationId, o)),
    conversations: await db.select().from(conversations).where(eq(conversations.organizationId, o)),
    contacts: await db.select().from(contacts).where(eq(contacts.organizationId, o)),
    media: await db.select().from(media).where(eq(media.organizationId, o)),
  });
};

describe('API key matrix', () => {
  it('refuses every scoped route without the right key, from the right place, in time', async () => {
    const scoped = w.t.app.routeTable.filter((r) => r.scope && r.method !== 'HEAD');
    expect(scoped.length).toBeGreaterThanOrEqual(15);
    const full = [...API_SCOPES];
    const foreign = await newKey(other, full);
    const revoked = await newKey(w.org, full);
    await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${revoked.id}`,
      headers: w.org.admin.headers,
    });
    const expired = await newKey(w.org, full, { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await w.t.database.db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.id, expired.id));
    const fenced = await newKey(w.org, full, { allowedIps: ['192.0.2.0/24'] });
    await new Promise((r) => setTimeout(r, 1100)); // the key cache's floor: changes made behind its back
    const before = await snapshot();
    for (const route of scoped) {
      const label = `${route.method} ${route.url}`;
      const url = route.url.replace(':id', () => idFor(route.url)).replace(':deliveryId', () => randomUUID());
      const without = await newKey(
        w.org,
        full.filter((s) => s !== route.scope),
      );
      const call = async (bearer: string | null, remoteAddress?: string) => {
        const req = requestFor(route.method, route.url);
        const res = await w.t.app.inject({
          method: route.method as 'GET',
          url,
          headers: { ...req.headers, ...(bearer && { authorization: `Bearer ${bearer}` }) },
          ...(req.payload !== undefined && { payload: req.payload }),
          ...(remoteAddress && { remoteAddress }),
        });
        return {
          status: res.statusCode,
          code: res.json()?.error?.code as string | undefined,
          body: res.body,
        };
      };
      expect(await call(null), label).toMatchObject({ status: 401 });
      expect(await call(without.key), label).toMatchObject({ status: 403, code: 'insufficient_scope' });
      expect(await call(revoked.key), label).toMatchObject({ status: 401 });
      expect(await call(expired.key), label).toMatchObject({ status: 401, code: 'token_expired' });
      expect(await call(fenced.key), label).toMatchObject({ status: 403, code: 'ip_not_allowed' });
      const theirs = await call(foreign.key);
      if (route.url.includes(':id')) expect(theirs, label).toMatchObject({ status: 404 });
      else expect(theirs.body, label).not.toContain(ids.conversationId);
    }
    expect(await snapshot()).toEqual(before);
  }, 600_000);

  it('refuses a key with every scope on every route that declares none', async () => {
    const all = await newKey(w.org, [...API_SCOPES]);
    const unscoped = w.t.app.routeTable.filter(
      (r) =>
        !r.scope &&
        r.url.startsWith('/api/v1/') &&
        r.method !== 'HEAD' &&
        !PUBLIC.has(`${r.method} ${r.url}`) &&
        // The sync routes validate required query parameters before authentication runs.
        !r.url.startsWith('/api/v1/sync/') &&
        (r.method === 'GET' || r.method === 'DELETE'),
    );
    expect(unscoped.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/api/v1/users', '/api/v1/api-keys', '/api/v1/audit-events']),
    );
    for (const route of unscoped) {
      const url = route.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      const res = await w.t.app.inject({
        method: route.method as 'GET',
        url,
        headers: { authorization: `Bearer ${all.key}` },
      });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  }, 300_000);
});
