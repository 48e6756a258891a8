import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventPage } from '#contract/api/audit';
import type { WebhookDelivery, WebhookEndpointWithSecret } from '#contract/api/webhooks';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';

// What the Settings > Webhooks screen relies on beyond the routes' own tests: every management
// action lands in the audit log (never with a secret), and "Send test event" answers the start
// of the receiver's body (cut to 1 KiB, made storable).

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let server: Server;
let url: string;
let answer = 'thanks from the receiver';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  t = await buildTestApp({ config: { webhookAllowPrivateUrls: true } });
  [org, other] = await Promise.all([createOrg(t.app, 'Audited hooks'), createOrg(t.app, 'Other hooks')]);
}, 60_000);
afterAll(async () => {
  await t?.app.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

const call = async (method: 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) => {
  const res = await t.app.inject({
    method,
    url: path,
    headers: org.admin.headers,
    ...(payload && { payload }),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res;
};

describe('webhook endpoints in the audit log', () => {
  it('records create, change, disable, rotation and deletion, with the admin and no secret', async () => {
    const created = (
      await call('POST', '/api/v1/webhooks', { url, events: ['message.received'] })
    ).json<WebhookEndpointWithSecret>();
    await call('PATCH', `/api/v1/webhooks/${created.id}`, { events: ['*'], description: 'CRM' });
    await call('PATCH', `/api/v1/webhooks/${created.id}`, { enabled: false });
    // A no-op change records nothing.
    await call('PATCH', `/api/v1/webhooks/${created.id}`, { enabled: false });
    const rotated = (
      await call('POST', `/api/v1/webhooks/${created.id}/rotate-secret`)
    ).json<WebhookEndpointWithSecret>();
    await call('DELETE', `/api/v1/webhooks/${created.id}`);

    const res = await t.app.inject({
      url: '/api/v1/audit-events?action=webhook_endpoint.*',
      headers: org.admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const events = res.json<AuditEventPage>().data;
    expect(events.map((e) => e.action)).toEqual([
      'webhook_endpoint.deleted',
      'webhook_endpoint.secret_rotated',
      'webhook_endpoint.updated',
      'webhook_endpoint.updated',
      'webhook_endpoint.created',
    ]);
    expect(events.every((e) => e.actor.kind === 'user' && e.actor.id === org.admin.id)).toBe(true);
    expect(events.every((e) => e.target?.type === 'webhook_endpoint' && e.target.id === created.id)).toBe(
      true,
    );
    expect(events[2]!.summary).toBe(`Disabled webhook endpoint ${url}`);
    expect(events[3]!.details).toMatchObject({
      fields: ['events', 'description'],
      before: { events: ['message.received'], description: null },
      after: { events: ['*'], description: 'CRM' },
    });
    const raw = JSON.stringify(events);
    expect(raw).not.toContain(created.secret);
    expect(raw).not.toContain(rotated.secret);

    const theirs = await t.app.inject({
      url: '/api/v1/audit-events?action=webhook_endpoint.*',
      headers: other.admin.headers,
    });
    expect(theirs.json<AuditEventPage>().data).toEqual([]);
  });

  it("answers the test event with the start of the receiver's body", async () => {
    const ep = (
      await call('POST', '/api/v1/webhooks', { url, events: ['*'] })
    ).json<WebhookEndpointWithSecret>();
    const first = (await call('POST', `/api/v1/webhooks/${ep.id}/test`)).json<WebhookDelivery>();
    expect(first).toMatchObject({
      state: 'succeeded',
      attempts: [{ responseStatus: 200, responseBody: 'thanks from the receiver', error: null }],
    });
    // 2 KiB of a 3-byte character: cut at 1 KiB mid-character, the broken one becomes U+FFFD.
    answer = '€'.repeat(700);
    const long = (await call('POST', `/api/v1/webhooks/${ep.id}/test`)).json<WebhookDelivery>();
    const body = long.attempts[0]!.responseBody!;
    expect(body.startsWith('€'.repeat(341))).toBe(true);
    expect(body.length).toBeLessThanOrEqual(343);
    expect(body).not.toContain('\u0000');
  });
});
