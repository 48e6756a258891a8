import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshDatabase,
  killProcess,
  processApi as api,
  startProcess,
  whyNotRunnable,
  type Proc,
} from '../../../test/processes';
import { startWebhookReceiver, verifyDelivery, type WebhookReceiver } from '../../../test/webhook-receiver';
import { rowsOf } from '../../storage/change-log';
import { openDatabase, type Database } from '../../storage/db';

// Real server processes on one PostgreSQL database: two processes share the delivery work and no
// attempt runs twice; a process SIGKILLed with deliveries pending (in the outbox, queued, in
// flight) loses none of them once a process runs again. Needs PostgreSQL (PG_ADMIN_URL); skips,
// saying why, without it.

const SECRET_KEY = 'webhook-process-secret-key-0123456789-abcdef';

// On by default where PostgreSQL is reachable (about 50 s, measured at a load average of 16 on
// 2 cores); WEBHOOK_PROCESS_TESTS=0 skips it on a machine too slow to spawn three servers.
const skip = process.env.WEBHOOK_PROCESS_TESTS === '0' ? 'WEBHOOK_PROCESS_TESTS=0' : await whyNotRunnable();
if (skip) console.warn(`multi-process webhook test skipped: ${skip}`);

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let database: Database;
const procs: Proc[] = [];

const startServer = async (env: Record<string, string> = {}): Promise<Proc> => {
  const p = await startProcess('./webhook-process.ts', { DATABASE_URL: fresh.url, SECRET_KEY, ...env });
  procs.push(p);
  return p;
};
const kill = killProcess;

const signup = async (p: Proc) => {
  const r = await api(p, 'POST', '/api/v1/signup', {
    organizationName: 'Processes',
    name: 'Admin',
    email: `admin-${randomUUID().slice(0, 8)}@example.test`,
    password: 'correct horse battery staple',
  });
  expect(r.status).toBe(201);
  return r.json.accessToken as string;
};
const endpoint = async (p: Proc, token: string, url: string) => {
  const r = await api(p, 'POST', '/api/v1/webhooks', { url, events: ['contact.created'] }, token);
  expect(r.status).toBe(201);
  return r.json as { id: string; secret: string };
};
const contact = async (p: Proc, token: string) => {
  const phone = `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
  const r = await api(p, 'POST', '/api/v1/contacts', { phone }, token);
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.id as string;
};

describe.skipIf(skip !== null)('outgoing webhooks across server processes (PostgreSQL)', () => {
  let rx: WebhookReceiver;
  beforeAll(async () => {
    fresh = await freshDatabase('parley_webhooks');
    database = await openDatabase({ databaseUrl: fresh.url, poolSize: 2 });
    await database.migrate();
    rx = await startWebhookReceiver();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(procs.map(kill));
    await rx?.close();
    await database?.close();
    await fresh?.drop();
  });

  it('two processes deliver every event once, never running an attempt twice at once', async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    const token = await signup(a!);
    const ep = await endpoint(a!, token, `${rx.url}/two`);
    rx.respond(() => 200);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await contact(i % 2 ? a! : b!, token));
    const got = () => rx.received.filter((r) => r.path === '/hook/two');
    await rx.until(() => new Set(got().map((r) => r.headers['webhook-id'])).size >= 40, 30_000);
    // Let any doubled attempt arrive before counting.
    await new Promise((r) => setTimeout(r, 500));
    const perId = new Map<string, number>();
    for (const r of got())
      perId.set(String(r.headers['webhook-id']), (perId.get(String(r.headers['webhook-id'])) ?? 0) + 1);
    const doubled = [...perId.values()].filter((n) => n > 1).length;
    expect(doubled).toBe(0);
    expect(got()).toHaveLength(40);
    const created = got().map((r) => verifyDelivery(ep.secret, r).data.id as string);
    expect(new Set(created)).toEqual(new Set(ids));
    const attempts = rowsOf<{ n: number; d: number }>(
      await database.db.execute(
        sql`select count(*)::int as n, count(distinct delivery_id)::int as d from webhook_attempts`,
      ),
    )[0]!;
    expect(attempts).toEqual({ n: 40, d: 40 });
    await Promise.all([kill(a!), kill(b!)]);
  }, 180_000);

  it('SIGKILL with deliveries pending, then a restart: every committed event is delivered', async () => {
    // Retries every second for long enough that none runs out while the receiver is down.
    const WEBHOOK_RETRY_SCHEDULE = Array(30).fill('1').join(',');
    const p1 = await startServer({ WEBHOOK_RETRY_SCHEDULE });
    const token = await signup(p1);
    const ep = await endpoint(p1, token, `${rx.url}/kill`);
    // The receiver is down (503) while the process runs: deliveries pile up in every state.
    let up = false;
    rx.respond((_i, r) => (r.path === '/hook/kill' && !up ? 503 : 200));
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await contact(p1, token));
    await kill(p1);
    up = true;
    const answered = rx.received.length;
    await startServer({ WEBHOOK_RETRY_SCHEDULE });
    const succeeded = async () =>
      rowsOf<{ n: number }>(
        await database.db.execute(sql`
          select count(*)::int as n from webhook_deliveries where endpoint_id = ${ep.id} and state = 'succeeded'`),
      )[0]!.n;
    // Bounded: the attempt lease (1 s + 5 s) and job lease (1 s + 10 s) of the dead process expire.
    const deadline = Date.now() + 60_000;
    while ((await succeeded()) < 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await succeeded()).toBe(25);
    const delivered = rx.received
      .slice(answered)
      .filter((r) => r.path === '/hook/kill')
      .map((r) => verifyDelivery(ep.secret, r).data.id as string);
    expect(new Set(delivered)).toEqual(new Set(ids));
  }, 240_000);
});
