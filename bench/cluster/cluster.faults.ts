// The cluster under faults (issue 9, "Prove the cluster"): 3 Parley processes behind HAProxy on
// PostgreSQL + Redis (topology.ts), the Meta emulator POSTing signed webhooks to the balancer and
// real client cores (src/core: replica file, sync engine, outbox, Socket.IO transport) signed in
// through it. Each fault prints ONE JSON line of figures (runs, acknowledged, stored, lost,
// doubled, convergence seconds, the machine's load average) before its assertions, so a run that
// misses a target still reports what it measured. Targets are the issue's; they are not loosened
// for a loaded machine — the load average is printed beside them instead.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipc, type Channel, type CoreApi, type In, type Out } from '#contract/ipc/contract';
import { createClientCore, createMemoryTokenStore, silentLogger } from '../../src/core/index';
import { buildMetaEmulator, type MetaEmulator } from '../../server/src/meta-emulator/emulator';
import type { DeliveryRecord } from '../../server/src/meta-emulator/webhook-sender';
import { randomPhone, metaId } from '../../server/test/whatsapp';
import { addManager, connectNumber, signUp, type Member } from './org';
import { hasHaproxy, HAPROXY, startCluster, type Cluster } from './topology';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** Webhooks in the kill -9 burst. */
const BURST = env('FAULTS_BURST', 120);
/** kill -9 runs (one process killed per run, restarted after). */
const KILL_RUNS = env('FAULTS_KILL_RUNS', 1);
/** PostgreSQL / Redis unavailable for this long (the issue says 30 s; shorter by default to fit the suite's 5 minutes). */
const PG_OUTAGE_MS = env('FAULTS_PG_OUTAGE_MS', 8_000);
const REDIS_OUTAGE_MS = env('FAULTS_REDIS_OUTAGE_MS', 8_000);
/** Idle TCP connections and slowloris connections held open at the balancer (the 5,000 idle). */
const IDLE_SOCKETS = env('FAULTS_IDLE_SOCKETS', 5_000);
const SLOW_CLIENTS = env('FAULTS_SLOW_CLIENTS', 200);
/** The targets. */
const CONVERGE_S = 5;
const LATENCY_RATIO = 2;

const skip = hasHaproxy() ? null : `HAProxy not found at ${HAPROXY}`;
if (skip) console.warn(`cluster fault suite skipped: ${skip}`);

const figures = (fault: string, values: Record<string, unknown>) =>
  console.log(JSON.stringify({ fault, ...values, loadavg: loadavg().map((l) => Math.round(l * 100) / 100) }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** One webhook POST attempt as the emulator made it (the emulator's fetch is wrapped). */
interface Attempt {
  startedAt: number;
  endedAt: number;
  status: number;
}
const attempts: Attempt[] = [];
const loggingFetch: typeof fetch = async (input, init) => {
  const startedAt = Date.now();
  try {
    const res = await fetch(input, init);
    attempts.push({ startedAt, endedAt: Date.now(), status: res.status });
    return res;
  } catch (e) {
    attempts.push({ startedAt, endedAt: Date.now(), status: 0 });
    throw e;
  }
};

/** A signed-in client core and its replica file, read beside it (read-only). */
interface Client {
  core: CoreApi;
  dataDir: string;
  replica: Database.Database;
  call<C extends Channel>(channel: C, input: In<C>): Promise<Out<C>>;
}

let emu: MetaEmulator;
let cluster: Cluster;
let admin: Member;
let phoneNumberId: string;
let webhookUrl: string;
const clients: Client[] = [];
const customers: string[] = [];

async function startClient(member: Member): Promise<Client> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-faults-client-'));
  const core = createClientCore({
    dataDir,
    defaultServerUrl: cluster.url,
    fetch: (input, init) => fetch(input, init),
    tokenStore: createMemoryTokenStore(),
    appInfo: { version: '0.0.0-faults', platform: 'cluster fault suite' },
    logger: silentLogger,
    syncTiming: { backoffBaseMs: 100, backoffMaxMs: 1_000, pushTimeoutMs: 3_000 },
  });
  const call = async <C extends Channel>(channel: C, input: In<C>): Promise<Out<C>> => {
    const parsed = ipc[channel].input.parse(input);
    const result = await core.handlers[channel](parsed as never);
    if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
    return result.value as Out<C>;
  };
  await call('session:signIn', { serverUrl: cluster.url, email: member.email, password: member.password });
  await until(
    async () => (await call('sync:getStatus', undefined as never)).state === 'online',
    30_000,
    'online',
  );
  const dir = join(dataDir, 'replicas');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite'))!;
  const replica = new Database(join(dir, file), { readonly: true, fileMustExist: true });
  return { core, dataDir, replica, call };
}

/** Server truth: every stored message (id, wamid, direction, text). */
async function stored() {
  const r = await cluster.pool.query<{
    id: string;
    wa_message_id: string | null;
    direction: string;
    text: string | null;
  }>('select id::text, wa_message_id, direction, text from messages');
  return r.rows;
}
/** Messages the server holds that some client's replica lacks. */
async function missingInClients(): Promise<number> {
  const ids = (await stored()).map((m) => m.id);
  let missing = 0;
  for (const c of clients) {
    const have = new Set(
      (c.replica.prepare('select id from messages').all() as { id: string }[]).map((r) => r.id),
    );
    missing += ids.filter((id) => !have.has(id)).length;
  }
  return missing;
}
const outboxEmpty = async () => {
  for (const c of clients)
    if ((await c.call('sync:getStatus', undefined as never)).outboxSize > 0) return false;
  return true;
};

/** A customer writes (a fresh, unique text); resolves with the wamid once Meta-like delivery ended. */
function customerWrites(text: string, customer = customers[Math.floor(Math.random() * customers.length)]!) {
  const { wamid, delivery } = emu.control.customerSends(phoneNumberId, customer, {
    type: 'text',
    body: text,
  });
  return { wamid, delivery: delivery.then((d) => ({ wamid, text, record: d })) };
}

/** Acknowledged / stored / lost / doubled for a set of webhook deliveries. */
async function tally(sent: { wamid: string; text: string; record: DeliveryRecord | null }[]) {
  const acknowledged = sent.filter((s) => s.record?.state === 'delivered');
  await until(
    async () => {
      const have = new Set((await stored()).map((m) => m.wa_message_id));
      return acknowledged.every((s) => have.has(s.wamid));
    },
    20_000,
    'every acknowledged webhook stored',
  ).catch(() => undefined);
  const rows = await stored();
  const byText = new Map<string, number>();
  for (const r of rows) if (r.text) byText.set(r.text, (byText.get(r.text) ?? 0) + 1);
  const have = new Set(rows.map((m) => m.wa_message_id));
  return {
    acknowledged: acknowledged.length,
    stored: sent.filter((s) => have.has(s.wamid)).length,
    lost: acknowledged.filter((s) => !have.has(s.wamid)).length,
    doubled: sent.filter((s) => (byText.get(s.text) ?? 0) > 1).length,
  };
}

/** Seconds until every client holds every stored message and every outbox is empty. */
async function convergence(from: number, limitMs = 30_000): Promise<number | null> {
  try {
    await until(
      async () => (await missingInClients()) === 0 && (await outboxEmpty()),
      limitMs,
      'convergence',
    );
    return Math.round((Date.now() - from) / 10) / 100;
  } catch {
    return null;
  }
}

describe.skipIf(skip !== null)('the cluster under faults', () => {
  beforeAll(async () => {
    emu = buildMetaEmulator({
      statusDelays: { sent: 0, delivered: 0, read: 0 },
      // Meta retries quickly at first; capped at 2 s so an outage's retries land soon after it.
      webhookRetry: { baseMs: 200, maxDelayMs: 2_000 },
      pairRate: { enabled: false },
      fetch: loggingFetch,
    });
    const emuUrl = await emu.listen();
    cluster = await startCluster({ metaGraphUrl: emuUrl });
    const org = await signUp(cluster.url, 'Faults');
    admin = org;
    const accessToken = `EAAG-${metaId()}`;
    const appSecret = `secret-${metaId()}`;
    const verifyToken = `verify-${metaId()}`;
    const waba = emu.control.addBusiness({ id: metaId(), name: 'Shop', tokens: [accessToken] });
    const phone = emu.control.addPhoneNumber(waba.id, {
      id: metaId(),
      displayPhoneNumber: '+1 555-010-0000',
      verifiedName: 'Shop',
    });
    phoneNumberId = phone.id;
    ({ webhookUrl } = await connectNumber(cluster.url, admin.accessToken, {
      phoneNumberId,
      businessAccountId: waba.id,
      accessToken,
      appSecret,
      verifyToken,
    }));
    emu.control.configureWebhook(phoneNumberId, { callbackUrl: webhookUrl, appSecret, verifyToken });
    for (let i = 0; i < 5; i++)
      customers.push(emu.control.addCustomer({ phone: randomPhone(), name: `Customer ${i}` }).phone);
    // Every customer has a conversation before the clients sign in.
    await Promise.all(customers.map((c, i) => customerWrites(`hello ${i}`, c).delivery));
    const managers = await Promise.all(
      [1, 2, 3].map((i) => addManager(cluster.url, admin.accessToken, `Manager ${i}`)),
    );
    for (const m of managers) clients.push(await startClient(m));
    await until(async () => (await missingInClients()) === 0, 30_000, 'bootstrap');
  }, 300_000);

  afterAll(async () => {
    for (const c of clients) {
      c.replica.close();
      await c.core.close();
      rmSync(c.dataDir, { recursive: true, force: true });
    }
    await emu?.close();
    await cluster?.close();
  }, 60_000);

  it('kill -9 of one server process under a webhook burst loses no acknowledged webhook and no queued send; clients converge within 5 s', async () => {
    const conversations = (await cluster.pool.query<{ id: string }>('select id::text from conversations'))
      .rows;
    /** Who holds the organization's sync tailer lease (one process fans its changes out). */
    const tailerHolder = async () =>
      (
        await cluster.pool.query<{ locked_by: string | null }>(
          "select locked_by from jobs where queue like '%_lease' and dedupe_key like 'sync-tailer:%'",
        )
      ).rows[0]?.locked_by ?? null;
    for (let run = 0; run < KILL_RUNS; run++) {
      const victim = 1 + (run % 2);
      const holderBefore = await tailerHolder();
      const pending: Promise<{ wamid: string; text: string; record: DeliveryRecord | null }>[] = [];
      const replies: string[] = [];
      let killedAt = 0;
      let kill: Promise<void> = Promise.resolve();
      for (let i = 0; i < BURST; i++) {
        pending.push(customerWrites(`burst ${run}.${i}`).delivery);
        if (i === Math.floor(BURST / 3)) {
          killedAt = Date.now();
          kill = cluster.kill9(victim);
          // Queued sends around the kill: each client replies into a conversation.
          for (const [k, c] of clients.entries()) {
            const text = `reply ${run}.${k}`;
            replies.push(text);
            void c.call('messages:send', {
              conversationId: conversations[k % conversations.length]!.id,
              message: { type: 'text', text },
            } as In<'messages:send'>);
          }
        }
        await sleep(15);
      }
      await kill;
      const sent = await Promise.all(pending);
      const ackedAt = Date.now();
      const t = await tally(sent);
      const converged = await convergence(ackedAt);
      // Queued sends: stored once, sent to Meta once.
      await until(
        () => replies.every((r) => emu.control.outbound().some((o) => JSON.stringify(o.body).includes(r))),
        20_000,
        'replies sent to Meta',
      ).catch(() => undefined);
      const rows = await stored();
      const outbound = emu.control.outbound();
      const sendFigures = {
        queued: replies.length,
        stored: replies.filter((r) => rows.some((m) => m.text === r)).length,
        sentToMeta: replies.filter((r) => outbound.some((o) => JSON.stringify(o.body).includes(`"${r}"`)))
          .length,
        doubled: replies.filter(
          (r) =>
            rows.filter((m) => m.text === r).length > 1 ||
            outbound.filter((o) => JSON.stringify(o.body).includes(`"${r}"`)).length > 1,
        ).length,
      };
      figures('kill-9', {
        runs: run + 1,
        burst: BURST,
        ...t,
        sends: sendFigures,
        convergenceSeconds: converged,
        sinceKillSeconds: Math.round((Date.now() - killedAt) / 100) / 10,
        // Another process holds the lease after the kill only if the victim held it (a live
        // holder keeps renewing): then live fan-out waited for the lease to expire.
        victimHeldTailerLease: holderBefore !== null && holderBefore !== (await tailerHolder()),
        webhookAttemptsNon2xx: attempts.filter(
          (a) => a.startedAt >= killedAt && (a.status < 200 || a.status > 299),
        ).length,
        target: { lost: 0, doubled: 0, convergenceSeconds: CONVERGE_S },
      });
      await cluster.restart(victim);
      expect(t.lost).toBe(0);
      expect(t.doubled).toBe(0);
      expect(t.acknowledged).toBe(BURST);
      expect(sendFigures).toMatchObject({ stored: replies.length, sentToMeta: replies.length, doubled: 0 });
      expect(converged).not.toBeNull();
      expect(converged!).toBeLessThanOrEqual(CONVERGE_S);
    }
  });

  it('PostgreSQL unavailable: webhooks answer 5xx (never 200 without a durable receipt), retries land afterwards, clients catch up', async () => {
    const cutAt = Date.now();
    cluster.postgres.setOnline(false);
    const pending: ReturnType<typeof customerWrites>['delivery'][] = [];
    const count = 12;
    for (let i = 0; i < count; i++) {
      pending.push(customerWrites(`during pg outage ${i}`).delivery);
      await sleep(PG_OUTAGE_MS / count);
    }
    const restoredAt = Date.now();
    cluster.postgres.setOnline(true);
    const sent = await Promise.all(pending);
    const t = await tally(sent);
    const during = attempts.filter((a) => a.startedAt > cutAt + 50 && a.endedAt < restoredAt);
    const okWithoutReceipt = during.filter((a) => a.status >= 200 && a.status < 300).length;
    const converged = await convergence(restoredAt, 60_000);
    figures('postgres-unavailable', {
      runs: 1,
      outageSeconds: (restoredAt - cutAt) / 1000,
      ...t,
      attemptsDuringOutage: during.length,
      answered5xx: during.filter((a) => a.status >= 500).length,
      answered2xx: okWithoutReceipt,
      catchUpSecondsAfterRestore: converged,
      target: { lost: 0, answered2xx: 0 },
    });
    expect(okWithoutReceipt).toBe(0);
    expect(during.length).toBeGreaterThan(0);
    expect(t).toMatchObject({ acknowledged: count, stored: count, lost: 0, doubled: 0 });
    expect(converged).not.toBeNull();
    for (const s of cluster.servers) expect(s.child.exitCode, `${s.name} exited:\n${s.output()}`).toBeNull();
  });

  it('Redis unavailable: nothing lost, clients catch up once it returns, live fan-out recovers without restart (missing copies during the outage are printed)', async () => {
    const cutAt = Date.now();
    cluster.redis.setOnline(false);
    const pending: ReturnType<typeof customerWrites>['delivery'][] = [];
    const count = 12;
    for (let i = 0; i < count; i++) {
      pending.push(customerWrites(`during redis outage ${i}`).delivery);
      await sleep(REDIS_OUTAGE_MS / count);
    }
    const sent = await Promise.all(pending);
    const missingDuring = await missingInClients();
    const restoredAt = Date.now();
    cluster.redis.setOnline(true);
    const t = await tally(sent);
    const converged = await convergence(restoredAt, 60_000);
    // Live again after the outage: one more message reaches every client.
    const after = await customerWrites('after redis outage').delivery;
    const liveFrom = Date.now();
    const live = await convergence(liveFrom, 15_000);
    figures('redis-unavailable', {
      runs: 1,
      outageSeconds: (restoredAt - cutAt) / 1000,
      ...t,
      missingInClientsAtEndOfOutage: missingDuring,
      catchUpSecondsAfterRestore: converged,
      liveAfterRestoreSeconds: live,
      afterAcknowledged: after.record?.state === 'delivered',
      target: { lost: 0, doubled: 0 },
    });
    expect(t).toMatchObject({ acknowledged: count, stored: count, lost: 0, doubled: 0 });
    expect(converged).not.toBeNull();
    expect(live).not.toBeNull();
    for (const s of cluster.servers) expect(s.child.exitCode, `${s.name} exited:\n${s.output()}`).toBeNull();
  });

  it('a webhook replayed 8 days later is still deduplicated', async () => {
    const original = await customerWrites('replayed eight days later').delivery;
    expect(original.record?.state).toBe('delivered');
    await until(
      async () => (await stored()).some((m) => m.wa_message_id === original.wamid),
      10_000,
      'stored',
    );
    // Eight days pass: the message and its receipt age (Meta itself stops retrying after 7).
    await cluster.pool.query(
      "update messages set created_at = created_at - interval '8 days' where wa_message_id = $1",
      [original.wamid],
    );
    await cluster.pool.query("update webhook_receipts set received_at = received_at - interval '8 days'");
    const before = (await stored()).length;
    const replay = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': original.record!.signature },
      body: original.record!.body,
    });
    await until(
      async () =>
        (
          await cluster.pool.query(
            'select count(*)::int as n from webhook_receipts where processed_at is null',
          )
        ).rows[0].n === 0,
      10_000,
      'replay processed',
    );
    const rows = await stored();
    const copies = rows.filter((m) => m.wa_message_id === original.wamid).length;
    figures('replay-8-days', {
      runs: 1,
      replayStatus: replay.status,
      acknowledged: 1,
      stored: copies,
      lost: copies === 0 ? 1 : 0,
      doubled: copies > 1 ? copies - 1 : 0,
      newRows: rows.length - before,
    });
    expect(replay.status).toBe(200);
    expect(copies).toBe(1);
    expect(rows.length).toBe(before);
  });

  it('slow clients and many idle sockets do not raise real senders’ latency beyond 2×', async () => {
    /** Webhook POST → 200 through the balancer, and a REST read, sequentially: ms each. */
    const measure = async (tag: string) => {
      const webhookMs: number[] = [];
      const restMs: number[] = [];
      for (let i = 0; i < 20; i++) {
        const from = attempts.length;
        const { delivery } = customerWrites(`${tag} ${i}`);
        await delivery;
        const a = attempts.slice(from).find((x) => x.status === 200);
        if (a) webhookMs.push(a.endedAt - a.startedAt);
        const s = performance.now();
        const res = await fetch(`${cluster.url}/api/v1/conversations?limit=20`, {
          headers: { authorization: `Bearer ${admin.accessToken}` },
        });
        await res.arrayBuffer();
        restMs.push(performance.now() - s);
      }
      return {
        webhookP50: Math.round(quantile(webhookMs, 0.5)),
        webhookP95: Math.round(quantile(webhookMs, 0.95)),
        restP50: Math.round(quantile(restMs, 0.5)),
        restP95: Math.round(quantile(restMs, 0.95)),
      };
    };
    const baseline = await measure('latency baseline');
    const port = Number(new URL(cluster.url).port);
    const open = (): Promise<Socket> =>
      new Promise((resolve) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => resolve(s));
        // Read what the balancer answers (its 408), so its close is seen: unread, the answer sits
        // in the buffer and the socket's end is never reached.
        s.resume();
      });
    const idle: Socket[] = [];
    const slow: Socket[] = [];
    for (let i = 0; i < IDLE_SOCKETS; i += 100)
      idle.push(...(await Promise.all(Array.from({ length: Math.min(100, IDLE_SOCKETS - i) }, open))));
    for (let i = 0; i < SLOW_CLIENTS; i++) {
      const s = await open();
      s.write('GET /api/v1/conversations HTTP/1.1\r\nHost: x\r\n');
      slow.push(s);
    }
    // Slowloris: one more header line every second, never the blank line that ends them.
    const trickle = setInterval(() => {
      for (const s of slow) if (!s.destroyed) s.write(`X-Slow-${Math.floor(Math.random() * 1e6)}: a\r\n`);
    }, 1_000);
    const loaded = await measure('latency under slow clients');
    // HAProxy's `timeout http-request 10s` closes what never completes its headers.
    await sleep(11_000);
    const slowClosed = slow.filter((s) => s.destroyed || s.readableEnded).length;
    const idleClosed = idle.filter((s) => s.destroyed || s.readableEnded).length;
    clearInterval(trickle);
    for (const s of [...idle, ...slow]) s.destroy();
    const ratio = {
      webhookP50: Math.round((loaded.webhookP50 / baseline.webhookP50) * 100) / 100,
      restP50: Math.round((loaded.restP50 / baseline.restP50) * 100) / 100,
    };
    figures('slow-and-idle-clients', {
      runs: 1,
      idleSockets: IDLE_SOCKETS,
      slowClients: SLOW_CLIENTS,
      baseline,
      loaded,
      ratio,
      closedByBalancerAfter11s: { idle: idleClosed, slow: slowClosed },
      target: { ratio: LATENCY_RATIO },
    });
    expect(ratio.webhookP50).toBeLessThanOrEqual(LATENCY_RATIO);
    expect(ratio.restP50).toBeLessThanOrEqual(LATENCY_RATIO);
    expect(slowClosed).toBe(SLOW_CLIENTS);
  }, 180_000);
});
