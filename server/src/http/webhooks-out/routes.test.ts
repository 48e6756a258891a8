import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEndpointWithSecret } from '#contract/api/webhooks';
import { buildTestApp, TEST_SECRET_KEY, type TestApp } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { createSecretBox } from '../../domain/whatsapp/secret-box';
import { webhookEndpoints } from '../../storage/schema/index';

// The management routes with the production URL policy (https and public addresses only).

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
let bEndpoint: WebhookEndpointWithSecret;

beforeAll(async () => {
  t = await buildTestApp();
  [a, b] = await Promise.all([createOrg(t.app, 'Hooks A'), createOrg(t.app, 'Hooks B')]);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: b.admin.headers,
    payload: { url: 'https://hooks.b.example/parley', events: ['message.received'], enabled: false },
  });
  expect(res.statusCode, res.body).toBe(201);
  bEndpoint = res.json();
}, 60_000);
afterAll(() => t?.app.close());

describe('webhook endpoint routes', () => {
  it('creates, reads, lists, changes and deletes; the secret is shown once and sealed at rest', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: a.admin.headers,
      payload: {
        url: 'https://hooks.a.example/x',
        events: ['message.received', 'message.received', '*'],
        description: ' CRM ',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ep = created.json<WebhookEndpointWithSecret>();
    expect(ep).toMatchObject({
      url: 'https://hooks.a.example/x',
      events: ['message.received', '*'],
      description: 'CRM',
      enabled: true,
      disabledReason: null,
    });
    const [row] = await t.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id));
    expect(row!.secretEnc).not.toContain(ep.secret);
    expect(createSecretBox(TEST_SECRET_KEY).open(row!.secretEnc, 'webhook_secret')).toBe(ep.secret);

    const got = await t.app.inject({ url: `/api/v1/webhooks/${ep.id}`, headers: a.admin.headers });
    expect(got.json()).not.toHaveProperty('secret');
    const list = await t.app.inject({ url: '/api/v1/webhooks', headers: a.admin.headers });
    expect(list.json().data.map((e: { id: string }) => e.id)).toEqual([ep.id]);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${ep.id}`,
      headers: a.admin.headers,
      payload: { events: ['contact.created'], enabled: false, description: null },
    });
    expect(patched.json()).toMatchObject({ events: ['contact.created'], enabled: false, description: null });
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${ep.id}`,
      headers: a.admin.headers,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await t.app.inject({ url: `/api/v1/webhooks/${ep.id}`, headers: a.admin.headers })).statusCode,
    ).toBe(404);
  });

  it('is for admins only', async () => {
    for (const who of [a.manager, a.agent]) {
      const res = await t.app.inject({ url: '/api/v1/webhooks', headers: who.headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({
        code: 'forbidden',
        message: 'Only admins (or an API key with the webhooks:manage scope) can manage webhooks',
      });
      const create = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: who.headers,
        payload: { url: 'https://hooks.a.example/x', events: ['*'] },
      });
      expect(create.statusCode).toBe(403);
    }
    expect((await t.app.inject({ url: '/api/v1/webhooks' })).statusCode).toBe(401);
  });

  it('carries the webhooks:manage scope in the route table for API keys', () => {
    const routes = t.app.routeTable.filter(
      (r) => r.url.startsWith('/api/v1/webhooks') && r.method !== 'HEAD',
    );
    expect(routes.length).toBe(9);
    expect(routes.every((r) => r.scope === 'webhooks:manage')).toBe(true);
  });

  it("shows an organization only its own endpoints; another's ids answer 404 and change nothing", async () => {
    const list = await t.app.inject({ url: '/api/v1/webhooks', headers: a.admin.headers });
    expect(list.body).not.toContain(bEndpoint.id);
    const before = await t.database.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, bEndpoint.id));
    for (const [method, url, payload] of [
      ['GET', `/api/v1/webhooks/${bEndpoint.id}`],
      ['PATCH', `/api/v1/webhooks/${bEndpoint.id}`, { enabled: true }],
      ['DELETE', `/api/v1/webhooks/${bEndpoint.id}`],
      ['POST', `/api/v1/webhooks/${bEndpoint.id}/rotate-secret`],
      ['POST', `/api/v1/webhooks/${bEndpoint.id}/test`],
      ['GET', `/api/v1/webhooks/${bEndpoint.id}/deliveries`],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: a.admin.headers, ...(payload && { payload }) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(
      await t.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, bEndpoint.id)),
    ).toEqual(before);
  });

  it.each([
    [{ url: 'http://hooks.a.example/x', events: ['*'] }, 'body.url', /https/],
    [{ url: 'https://127.0.0.1/x', events: ['*'] }, 'body.url', /private or reserved address/],
    [{ url: 'https://2130706433/x', events: ['*'] }, 'body.url', /private or reserved address/],
    [{ url: 'https://[::ffff:127.0.0.1]/x', events: ['*'] }, 'body.url', /private or reserved address/],
    [{ url: 'https://169.254.169.254/latest', events: ['*'] }, 'body.url', /private or reserved address/],
    [{ url: 'https://localhost/x', events: ['*'] }, 'body.url', /not a public name/],
    [{ url: 'not a url', events: ['*'] }, 'body.url', /https/],
    [{ url: 'https://hooks.a.example/\u0000', events: ['*'] }, 'body.url', /U\+0000/],
    [{ url: 'https://hooks.a.example/x', events: [] }, 'body.events', /at least one/],
    [{ url: 'https://hooks.a.example/x', events: ['message.exploded'] }, 'body.events', /Unknown event type/],
    [
      { url: 'https://hooks.a.example/x', events: ['*'], description: 'x\u0000' },
      'body.description',
      /U\+0000/,
    ],
    [{ url: 'https://hooks.a.example/x', events: ['*'], secret: 'mine' }, 'body', /.+/],
  ])('refuses bad input %j with 400 and a sentence, writing nothing', async (payload, path, message) => {
    const before = await t.database.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.organizationId, a.organizationId));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: a.admin.headers,
      payload,
    });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('invalid_input');
    expect(error.message.length).toBeGreaterThan(5);
    // The sentence is the message (a check of ours) or the field's (a schema check).
    expect(JSON.stringify(error)).toMatch(message);
    expect(JSON.stringify(error.details ?? {})).toContain(path);
    expect(
      await t.database.db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.organizationId, a.organizationId)),
    ).toEqual(before);
  });

  it('refuses an empty PATCH and a private URL in a PATCH', async () => {
    const ep = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: a.admin.headers,
        payload: { url: 'https://hooks.a.example/y', events: ['*'] },
      })
    ).json<WebhookEndpointWithSecret>();
    for (const payload of [{}, { url: 'https://10.0.0.1/x' }, { events: ['nope'] }]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/webhooks/${ep.id}`,
        headers: a.admin.headers,
        payload,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message.length).toBeGreaterThan(5);
    }
    const bad = await t.app.inject({ url: '/api/v1/webhooks/not-a-uuid', headers: a.admin.headers });
    expect(bad.statusCode).toBe(400);
  });
});
