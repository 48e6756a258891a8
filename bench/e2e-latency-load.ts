// The load side of e2e-latency (its own process, pinned to core 1): the REAL client core — one
// sync engine (src/core/sync/engine/engine.ts) with its socket transport and a better-sqlite3 replica
// file (WAL, opened as the desktop opens it) per member of the benchmark organization — plus a webhook poster that signs Meta-shaped
// messages like Meta and POSTs them at a fixed rate. Latency of a delivery = the time the
// engine's replica committed the message (its `onChanged` fires right after the SQLite commit)
// minus the time just before the webhook was posted, for every client that must get it (the
// managers and the conversation's assignee). Prints one JSON line with the measurements.
// Per window it also gathers the stage breakdown: the server's stages (`POST /__bench/stages`,
// the observations `GET /metrics` histograms), the webhook's acknowledgement as the poster saw
// it (`ack`), and in each client the socket frame handed to the engine → the replica committed
// (`apply`: zod parse done, lane, SQLite transaction, onChanged).
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { silentLogger, systemClock } from '../src/core/deps';
import { resolveMigrationsDir } from '../src/core/db/migrate';
import { openReplicaDb } from '../src/core/db/open-db';
import { createReplicaQueries } from '../src/core/replica/queries';
import { createSyncEngine, type SyncEngine } from '../src/core/sync/engine/engine';
import { createSocketTransport } from '../src/core/sync/socket-transport';
import { median } from './lib/metric';

type Info = {
  port: number;
  orgs: {
    organizationId: string;
    accountId: string;
    appSecret: string;
    phoneNumberId: string;
    users: { userId: string; role: 'manager' | 'agent'; token: string }[];
  }[];
};

const info = JSON.parse(readFileSync(process.env.SERVER_INFO_FILE!, 'utf8')) as Info;
const RATE = Number(process.env.RATE ?? 200);
const SECONDS = Number(process.env.SECONDS ?? 10);
const WINDOWS = Number(process.env.WINDOWS ?? 3);
const base = `http://127.0.0.1:${info.port}`;
const org = info.orgs[0]!;
const agents = org.users.filter((u) => u.role === 'agent');
const managers = org.users.filter((u) => u.role === 'manager');
const CUSTOMERS = Math.max(1, agents.length) * 4;

/** wamid → when its webhook was posted (ms, performance clock). */
const sentAt = new Map<string, number>();
/** wamid → latencies of the clients that applied it. */
const arrived = new Map<string, number[]>();

type Client = {
  userId: string;
  engine: SyncEngine;
  db: Database.Database;
  lastRid: number;
  /** When the oldest frame not yet seen applied arrived (performance clock), or null. */
  frameAt: number | null;
};

/** Load-side stage samples of the current window (ms). */
let loadStages: { ack: number[]; apply: number[] } = { ack: [], apply: [] };

const replicaDir = mkdtempSync(join(tmpdir(), 'parley-bench-e2e-replicas-'));
const migrations = resolveMigrationsDir();
const clients: Client[] = org.users.map((u, i) => {
  const db = openReplicaDb(join(replicaDir, `replica-${i}.sqlite`), migrations).sqlite;
  const c: Client = {
    userId: u.userId,
    db,
    lastRid: 0,
    frameAt: null,
    engine: null as unknown as SyncEngine,
  };
  const socket = createSocketTransport({ serverUrl: base, fetch, logger: silentLogger });
  // The engine's transport, with the arrival of each live packet noted (after the transport's parse).
  const transport: typeof socket = {
    ...socket,
    connect: (auth, events) =>
      socket.connect(auth, {
        ...events,
        changes: (p) => {
          c.frameAt ??= performance.now();
          events.changes(p);
        },
      }),
  };
  const newRows = db.prepare(
    `select rid, json_extract(row, '$.waMessageId') as w from messages where rid > ? order by rid`,
  );
  c.engine = createSyncEngine({
    db,
    transport,
    queries: createReplicaQueries(db, () => u.userId),
    clientId: crypto.randomUUID(),
    replicaId: `bench-${i}`,
    organizationId: org.organizationId,
    token: async () => ({ ok: true, value: u.token }),
    clock: systemClock,
    logger: silentLogger,
    backfill: false,
    onStatus: () => undefined,
    onChanged: (changed) => {
      if (!changed.tables.includes('messages')) return;
      const now = performance.now();
      if (c.frameAt !== null) loadStages.apply.push(now - c.frameAt);
      c.frameAt = null;
      for (const r of newRows.all(c.lastRid) as { rid: number; w: string | null }[]) {
        c.lastRid = r.rid;
        const t0 = r.w ? sentAt.get(r.w) : undefined;
        if (t0 === undefined) continue;
        const list = arrived.get(r.w!) ?? [];
        list.push(now - t0);
        arrived.set(r.w!, list);
      }
    },
    onRevoked: () => undefined,
    onSessionRevoked: () => undefined,
  });
  return c;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const untilTrue = async (check: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const states = clients.map((c) => c.engine.status());
      const summary = states.map((x) => `${x.state}${x.lastError ? ` (${x.lastError})` : ''}`);
      throw new Error(`${what} not reached in ${ms} ms: ${[...new Set(summary)].join(', ')}`);
    }
    await sleep(20);
  }
};
const allOnline = () => clients.every((c) => c.engine.status().state === 'online');
const serverIdle = async () =>
  ((await (await fetch(`${base}/__bench/stats`)).json()) as { unprocessed: number }).unprocessed === 0;

let n = 0;
/** Webhook deliveries sent again in the current window. */
let retries = 0;
const run = Date.now().toString(36);
/** Posts one signed inbound text webhook from customer `k`; returns its wamid. */
async function post(k: number, track: boolean): Promise<void> {
  n += 1;
  const waId = String(15_550_000_000 + k);
  const wamid = `wamid.bench.${run}.${n}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: org.phoneNumberId },
              contacts: [{ profile: { name: `Customer ${k}` }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: wamid,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: `Hello, where is my order #${100000 + n}? It has not arrived yet. Thanks!` },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac('sha256', org.appSecret).update(body).digest('hex')}`;
  const t0 = performance.now();
  if (track) sentAt.set(wamid, t0);
  // Like Meta: a failed delivery (connection reset, 5xx) is sent again; the latency still counts
  // from the first attempt.
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${base}/webhooks/whatsapp/${org.accountId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      });
      await res.arrayBuffer();
      if (res.status === 200) {
        if (track) loadStages.ack.push(performance.now() - t0);
        return;
      }
      if (res.status < 500 || attempt >= 5) throw new Error(`webhook answered ${res.status}`);
    } catch (e) {
      if (!(e instanceof TypeError) || attempt >= 5) throw e;
    }
    retries += 1;
    await sleep(50 * attempt);
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

for (const c of clients) c.engine.start();
await untilTrue(allOnline, 60_000, 'every client online');
// One conversation per customer, then assigned round-robin to the agents (grants flow live).
for (let k = 0; k < CUSTOMERS; k++) await post(k, false);
await untilTrue(serverIdle, 60_000, 'warm-up processed');
await fetch(`${base}/__bench/assign`, { method: 'POST' });
await sleep(1_000);
await untilTrue(allOnline, 60_000, 'clients caught up after assignment');

/** p50/p99/count of each stage's samples. */
type StageSummary = Record<string, { p50: number; p99: number; n: number }>;
const summarize = (samples: Record<string, number[]>): StageSummary =>
  Object.fromEntries(
    Object.entries(samples)
      .filter(([, xs]) => xs.length > 0)
      .map(([k, xs]) => [k, { p50: pct(xs, 50), p99: pct(xs, 99), n: xs.length }]),
  );
const serverStages = async () =>
  (await (await fetch(`${base}/__bench/stages`, { method: 'POST' })).json()) as Record<string, number[]>;

const windows: {
  p50: number;
  p99: number;
  deliveries: number;
  missing: number;
  posted: number;
  retries: number;
  stages: StageSummary;
}[] = [];
for (let w = 0; w < WINDOWS; w++) {
  sentAt.clear();
  arrived.clear();
  retries = 0;
  await serverStages();
  loadStages = { ack: [], apply: [] };
  const interval = 1000 / RATE;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < RATE * SECONDS; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inflight.push(post(Math.floor(Math.random() * CUSTOMERS), true));
  }
  await Promise.all(inflight);
  await sleep(2_000);
  const latencies = [...arrived.values()].flat();
  // Every message goes to the managers and to the agent its conversation is assigned to.
  const expected = sentAt.size * (managers.length + (agents.length > 0 ? 1 : 0));
  windows.push({
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    deliveries: latencies.length,
    missing: expected - latencies.length,
    posted: sentAt.size,
    retries,
    stages: summarize({ ...loadStages, ...(await serverStages()) }),
  });
}
for (const c of clients) {
  c.engine.stop();
  c.db.close();
}
rmSync(replicaDir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    p50: median(windows.map((x) => x.p50)),
    p99: median(windows.map((x) => x.p99)),
    windows,
    clients: clients.length,
    managers: managers.length,
    agents: agents.length,
    rate: RATE,
    seconds: SECONDS,
  }),
);
process.exit(0);
