import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createOrg } from '../../test/factories';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../test/whatsapp';
import { bearerMatches } from './metrics';

// GET /metrics (issue 15): absent unless METRICS_TOKEN is set, token-protected, Prometheus text,
// and the inbound stage histogram moves when a customer's message goes through.

const TOKEN = 'metrics-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

/** The `_count` of one stage of the inbound histogram in a scrape. */
const stageCount = (body: string, stage: string): number => {
  const m = new RegExp(`^parley_inbound_stage_seconds_count\\{stage="${stage}"\\} (\\d+)$`, 'm').exec(body);
  return m ? Number(m[1]) : NaN;
};

let w: WhatsAppWorld;
beforeAll(async () => {
  w = await startWhatsAppWorld({ app: { config: { metricsToken: TOKEN } } });
});
afterAll(() => w.close());

describe('GET /metrics', () => {
  it('does not exist without a configured token', async () => {
    let off: TestApp | undefined;
    try {
      off = await buildTestApp();
      const res = await off.app.inject({ url: '/metrics', headers: auth });
      expect(res.statusCode).toBe(404);
    } finally {
      await off?.app.close();
    }
  });

  it('refuses a missing or wrong token in the error envelope', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: TOKEN },
      { authorization: 'Bearer ' },
    ]) {
      const res = await w.t.app.inject({ url: '/metrics', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
      expect(res.body).not.toContain('parley_');
    }
  });

  it('answers Prometheus text with the stage histogram, backlogs, sockets and event-loop delay', async () => {
    const res = await w.t.app.inject({ url: '/metrics', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    for (const name of [
      '# TYPE parley_inbound_stage_seconds histogram',
      'parley_webhook_receipts_backlog ',
      'parley_webhook_receipts_oldest_age_seconds ',
      'parley_sync_sockets 0',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(res.body).toContain(name);
  });

  it('observes every stage of an inbound message, from HTTP receipt to the emitted packet', async () => {
    const before = (await w.t.app.inject({ url: '/metrics', headers: auth })).body;
    const org = await createOrg(w.t.app, 'Metrics');
    const n = await w.connect(org.admin);
    const customer = n.addCustomer('Measured');
    await n.send(customer, { type: 'text', body: 'How long did this take?' });
    await w.t.app.sync.idle();
    const after = (await w.t.app.inject({ url: '/metrics', headers: auth })).body;
    // On PostgreSQL without a shared adapter a process tails only organizations with sockets
    // here (this one has none), so the stages after the notification happen nowhere.
    const tailed = w.t.app.sync.tailers.tails(org.organizationId);
    const stages = tailed
      ? ['receipt', 'process', 'notify', 'tail', 'emit', 'total']
      : ['receipt', 'process', 'notify'];
    if (w.t.database.engine === 'pglite') expect(tailed).toBe(true);
    for (const stage of stages)
      expect(stageCount(after, stage), stage).toBeGreaterThan(stageCount(before, stage));
  });
});

describe('bearerMatches', () => {
  it('accepts exactly the token', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN.slice(1)}`, TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });
});
