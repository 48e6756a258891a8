import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDelivery, WebhookDeliveryPage, WebhookEndpointWithSecret } from '#contract/api/webhooks';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWebhookReceiver, verifyDelivery, type WebhookReceiver } from '../../../test/webhook-receiver';
import { randomPhone } from '../../../test/whatsapp';
import { PARK_MS } from '../../domain/webhooks/delivery';
import { jobs, webhookDeliveries, webhookEndpoints } from '../../storage/schema/index';

// Delivery behaviour against a real local receiver: retries on the schedule with one webhook-id,
// exhaustion and manual retry, 410, auto-disable after five days of failures, rotation with two
// signatures, the test route. Every delivery that must verify is checked with standardwebhooks.

let t: TestApp;
let org: TestOrg;
let rx: WebhookReceiver;

beforeAll(async () => {
  rx = await startWebhookReceiver();
  t = await buildTestApp({ config: { webhookAllowPrivateUrls: true, webhookRetrySchedule: [0.05, 0.1] } });
  org = await createOrg(t.app, 'Delivery');
}, 60_000);
afterAll(async () => {
  await t?.app.close();
  await rx?.close();
});

/** A fresh endpoint at a fresh path of the receiver, for contact events. */
const endpoint = async (path: string, events = ['contact.created']) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: org.admin.headers,
    payload: { url: `${rx.url}/${path}`, events },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<WebhookEndpointWithSecret>();
};
const createContact = async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/contacts',
    headers: org.admin.headers,
    payload: { phone: `+${randomPhone()}`, name: 'Grace' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
};
const deliveries = async (endpointId: string, headers = org.admin.headers) => {
  const res = await t.app.inject({
    url: `/api/v1/webhooks/${endpointId}/deliveries`,
    headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<WebhookDeliveryPage>().data;
};
const untilDelivery = async (
  endpointId: string,
  check: (d: WebhookDelivery[]) => boolean,
  ms = 10_000,
  headers = org.admin.headers,
) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const d = await deliveries(endpointId, headers);
    if (check(d)) return d;
    if (Date.now() > deadline) throw new Error(`deliveries not settled: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
/** Requests the receiver got on `path`. */
const got = (path: string) => rx.received.filter((r) => r.path === path);
/** Answers per path: a function of the request's index on that path (default 200). */
const statusByPath = new Map<string, (n: number) => number>();
const failing = (path: string, fn: (n: number) => number) => statusByPath.set(path, fn);

beforeAll(() => {
  rx.respond((_i, r) => statusByPath.get(r.path)?.(got(r.path).length - 1) ?? 200);
});

describe('delivery', () => {
  it('retries a failing receiver on the schedule with the same webhook-id, then succeeds', async () => {
    const ep = await endpoint('retry');
    failing('/hook/retry', (n) => (n < 2 ? 503 : 200));
    const contactId = await createContact();
    const [d] = await untilDelivery(ep.id, (d) => d[0]?.state === 'succeeded');
    const reqs = got('/hook/retry');
    expect(reqs).toHaveLength(3);
    expect(new Set(reqs.map((r) => r.headers['webhook-id']))).toEqual(new Set([d!.id]));
    for (const r of reqs)
      expect(verifyDelivery(ep.secret, r)).toMatchObject({
        type: 'contact.created',
        data: { id: contactId },
      });
    expect(d!.attempts.map((a) => a.responseStatus)).toEqual([503, 503, 200]);
    expect(d!.attempts[0]!.error).toBe('The endpoint answered 503');
    // The schedule (50 ms, 100 ms, ±10 %) spaced them.
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(40);
    expect(reqs[2]!.at - reqs[1]!.at).toBeGreaterThanOrEqual(85);
  });

  it('fails a delivery once the schedule is spent; a manual retry attempts it once more', async () => {
    const ep = await endpoint('spent');
    failing('/hook/spent', () => 500);
    await createContact();
    const [d] = await untilDelivery(ep.id, (d) => d[0]?.state === 'failed');
    expect(d!.attempts).toHaveLength(3);
    expect(d!.nextAttemptAt).toBeNull();
    failing('/hook/spent', () => 204);
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${ep.id}/deliveries/${d!.id}/retry`,
      headers: org.admin.headers,
    });
    expect(retry.statusCode, retry.body).toBe(202);
    const [after] = await untilDelivery(ep.id, (d) => d[0]?.state === 'succeeded');
    expect(after!.attempts.map((a) => a.responseStatus)).toEqual([500, 500, 500, 204]);
    expect(got('/hook/spent').every((r) => r.headers['webhook-id'] === d!.id)).toBe(true);
  });

  it('disables the endpoint on 410 Gone, with the reason, and delivers nothing more to it', async () => {
    const ep = await endpoint('gone');
    failing('/hook/gone', () => 410);
    await createContact();
    const [d] = await untilDelivery(ep.id, (d) => d[0]?.state === 'failed');
    expect(d!.attempts).toHaveLength(1);
    const res = await t.app.inject({ url: `/api/v1/webhooks/${ep.id}`, headers: org.admin.headers });
    expect(res.json()).toMatchObject({ enabled: false, disabledReason: 'The endpoint answered 410 Gone' });
    await createContact();
    await t.app.webhooksOut.drain();
    await new Promise((r) => setTimeout(r, 200));
    expect(got('/hook/gone')).toHaveLength(1);
    expect(await deliveries(ep.id)).toHaveLength(1);
  });

  it('disables an endpoint whose deliveries all failed for 5 days', async () => {
    const ep = await endpoint('down');
    failing('/hook/down', () => 500);
    await createContact();
    await rx.until(() => got('/hook/down').length >= 1);
    // Five days pass (the test clock); the next retry still fails. (Polled in the database: the
    // admin's access token has expired on the moved clock.)
    t.clock.advance(5 * 24 * 3600 * 1000 + 1000);
    const deadline = Date.now() + 10_000;
    let row: typeof webhookEndpoints.$inferSelect | undefined;
    for (;;) {
      [row] = await t.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id));
      if (!row!.enabled || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    t.clock.set(new Date());
    expect(row!.enabled).toBe(false);
    expect(row!.disabledReason).toMatch(
      /^Every delivery failed for 5 days \(last error: The endpoint answered 500\)$/,
    );
    const [d] = await deliveries(ep.id);
    expect(d).toMatchObject({ state: 'failed', nextAttemptAt: null });
    expect(d!.attempts.length).toBeGreaterThanOrEqual(2);
    // Enabling it again clears the reason.
    const on = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${ep.id}`,
      headers: org.admin.headers,
      payload: { enabled: true },
    });
    expect(on.json()).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one only', async () => {
    const ep = await endpoint('rotate');
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${ep.id}/rotate-secret`,
      headers: org.admin.headers,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const next = rotated.json<WebhookEndpointWithSecret>();
    expect(next.secret).not.toBe(ep.secret);
    expect(Date.parse(next.previousSecretExpiresAt!) - Date.now()).toBeGreaterThan(23.9 * 3600 * 1000);
    await createContact();
    await rx.until(() => got('/hook/rotate').length === 1);
    const [first] = got('/hook/rotate');
    expect(String(first!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyDelivery(ep.secret, first!).type).toBe('contact.created');
    expect(verifyDelivery(next.secret, first!).type).toBe('contact.created');
    // Past the overlap only the new secret signs.
    await t.database.db
      .update(webhookEndpoints)
      .set({ previousSecretExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(webhookEndpoints.id, ep.id));
    await createContact();
    await rx.until(() => got('/hook/rotate').length === 2);
    const second = got('/hook/rotate')[1]!;
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifyDelivery(next.secret, second).type).toBe('contact.created');
    expect(() => verifyDelivery(ep.secret, second)).toThrow();
  });

  it('POST /:id/test delivers webhook.test at once and answers the attempt', async () => {
    const ep = await endpoint('test', ['conversation.created']);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${ep.id}/test`,
      headers: org.admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json<WebhookDelivery>();
    expect(d).toMatchObject({
      eventType: 'webhook.test',
      state: 'succeeded',
      attempts: [{ responseStatus: 200 }],
    });
    const [r] = got('/hook/test');
    expect(verifyDelivery(ep.secret, r!)).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: ep.id },
    });
    failing('/hook/test', () => 302);
    const redirected = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${ep.id}/test`,
      headers: org.admin.headers,
    });
    // A redirect is not followed: the attempt fails with the 3xx.
    expect(redirected.json()).toMatchObject({ state: 'failed', attempts: [{ responseStatus: 302 }] });
  });

  it('lists deliveries newest first with keyset paging', async () => {
    const ep = await endpoint('paging');
    for (let i = 0; i < 3; i++) await createContact();
    await untilDelivery(ep.id, (d) => d.length === 3 && d.every((x) => x.state === 'succeeded'));
    const page1 = await t.app.inject({
      url: `/api/v1/webhooks/${ep.id}/deliveries?limit=2`,
      headers: org.admin.headers,
    });
    const p1 = page1.json<WebhookDeliveryPage>();
    expect(p1.data).toHaveLength(2);
    const page2 = await t.app.inject({
      url: `/api/v1/webhooks/${ep.id}/deliveries?limit=2&cursor=${p1.nextCursor}`,
      headers: org.admin.headers,
    });
    const p2 = page2.json<WebhookDeliveryPage>();
    expect(p2.data).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    const all = [...p1.data, ...p2.data];
    expect(new Set(all.map((d) => d.id)).size).toBe(3);
    expect([...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((d) => d.id)).toEqual(
      all.map((d) => d.id),
    );
  });

  it('caps attempts in flight per endpoint at 4, and a freed slot wakes the parked deliveries at once', async () => {
    // A slow receiver (150 ms per answer) that counts requests in flight.
    let inFlight = 0;
    let maxInFlight = 0;
    let answered = 0;
    const slow = createServer((req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      req.resume();
      setTimeout(() => {
        inFlight -= 1;
        answered += 1;
        res.end('ok');
      }, 150);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      // An organization of its own, so no other endpoint takes these events.
      const other = await createOrg(t.app, 'Cap');
      const ep = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: other.admin.headers,
        payload: {
          url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`,
          events: ['contact.created'],
        },
      });
      expect(ep.statusCode, ep.body).toBe(201);
      const started = Date.now();
      for (let i = 0; i < 12; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/contacts',
          headers: other.admin.headers,
          payload: { phone: `+${randomPhone()}` },
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      // Parked deliveries wait PARK_MS (30 s) unless a freed slot wakes them: all 12 answered
      // well before that proves the wake-up (it takes under a second on a quiet machine).
      const deadline = started + PARK_MS - 5_000;
      while (answered < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(answered).toBe(12);
      expect(maxInFlight).toBeLessThanOrEqual(4);
      expect(maxInFlight).toBeGreaterThan(1);
    } finally {
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });
});

describe('a job that wakes before its retry is due', () => {
  it('attempts nothing and waits until the delivery’s next attempt', async () => {
    const ep = await endpoint('early');
    failing('/hook/early', () => 500);
    await createContact();
    await rx.until(() => got('/hook/early').length >= 1);
    // The first attempt settled (its lease gone), so what follows sees only the retry's time.
    for (let i = 0; i < 200; i++) {
      const [first] = await t.database.db
        .select({ attempts: webhookDeliveries.attempts, lockedUntil: webhookDeliveries.lockedUntil })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, ep.id));
      if (first && first.attempts >= 1 && first.lockedUntil === null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    // Push the retry an hour out, as a long schedule would, then run the delivery as an early job.
    const due = new Date(Date.now() + 3_600_000);
    await t.database.db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: due })
      .where(eq(webhookDeliveries.endpointId, ep.id));
    const [d] = await deliveries(ep.id);
    const sent = got('/hook/early').length;
    const r = await t.app.webhooksOut.services.delivery.attempt({ deliveryId: d!.id }, 'early-worker', true);
    expect(r).toEqual({ outcome: 'busy', until: due });
    expect(got('/hook/early')).toHaveLength(sent);
  });
});

describe('a slot draining a backlog', () => {
  it('goes on through the endpoint’s due deliveries once each, stops at a failure, and leaves no job behind', async () => {
    const other = await createOrg(t.app, 'Chain');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: other.admin.headers,
      payload: { url: `${rx.url}/chain`, events: ['contact.created'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const ep = res.json<WebhookEndpointWithSecret>();
    // The fifth request fails once: the slot that sent it stops chaining, and the delivery is
    // retried on the schedule by its own job.
    failing('/hook/chain', (n) => (n === 4 ? 503 : 200));
    const release = rx.hold();
    for (let i = 0; i < 16; i++) {
      const c = await t.app.inject({
        method: 'POST',
        url: '/api/v1/contacts',
        headers: other.admin.headers,
        payload: { phone: `+${randomPhone()}` },
      });
      expect(c.statusCode, c.body).toBe(201);
    }
    release();
    const ds = await untilDelivery(
      ep.id,
      (d) => d.length === 16 && d.every((x) => x.state === 'succeeded'),
      20_000,
      other.admin.headers,
    );
    const reqs = got('/hook/chain');
    // Every delivery answered 2xx exactly once: no two slots took the same one.
    const ok = reqs.filter((_, i) => i !== 4).map((r) => r.headers['webhook-id']);
    expect(new Set(ok).size).toBe(16);
    expect(ok).toHaveLength(16);
    const retried = ds.filter((d) => d.attempts.length === 2);
    expect(retried).toHaveLength(1);
    expect(retried[0]!.attempts.map((a) => a.responseStatus)).toEqual([503, 200]);
    expect(retried[0]!.id).toBe(reqs[4]!.headers['webhook-id']);
    // The deliveries' jobs all end: those a slot chained through were dismissed, not left to
    // run later only to find their delivery settled.
    const ids = ds.map((d) => d.id);
    for (let i = 0; i < 100; i++) {
      const left = await t.database.db
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            eq(jobs.queue, 'webhook-delivery'),
            inArray(jobs.dedupeKey, ids),
            inArray(jobs.state, ['pending', 'running']),
          ),
        );
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const states = await t.database.db
      .select({ state: jobs.state })
      .from(jobs)
      .where(and(eq(jobs.queue, 'webhook-delivery'), inArray(jobs.dedupeKey, ids)));
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((j) => j.state === 'done')).toBe(true);
  });
});
