// The client side of catch-up's end-to-end line (its own process, pinned to core 1): the REAL
// client core — a sync engine with its socket transport over a file replica (WAL, as the desktop
// opens it) — signed in as a manager of the benchmark organization on the real server (core 0).
// The client bootstraps 1,000 conversations and goes offline; while it is away the server commits
// MISSED sync-log entries (inbound messages and their conversations' updates, as ingest writes
// them); then the app starts again on the same replica and we time start → live (handshake,
// `sync:hello`, HTTP pulls of 2,000 entries, each page applied in one transaction with its
// cursor). Every repetition checks that the cursor reached the server's seq and that every
// missed message is in the replica, once. Prints one JSON line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger, systemClock } from '../src/core/deps';
import { resolveMigrationsDir } from '../src/core/db/migrate';
import { openReplicaDb } from '../src/core/db/open-db';
import { createReplicaQueries } from '../src/core/replica/queries';
import { createSyncEngine, type SyncEngine } from '../src/core/sync/engine/engine';
import { createSocketTransport } from '../src/core/sync/socket-transport';

type Info = {
  port: number;
  orgs: {
    organizationId: string;
    users: { userId: string; role: 'manager' | 'agent'; token: string }[];
  }[];
};

const info = JSON.parse(readFileSync(process.env.SERVER_INFO_FILE!, 'utf8')) as Info;
const MISSED = Number(process.env.CATCH_UP_CHANGES ?? 10_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const CONVERSATIONS = 1_000;
const base = `http://127.0.0.1:${info.port}`;
const org = info.orgs[0]!;
const manager = org.users.find((u) => u.role === 'manager')!;
const dir = mkdtempSync(join(tmpdir(), 'parley-bench-catch-up-'));
const replica = openReplicaDb(join(dir, 'replica.sqlite'), resolveMigrationsDir());
const db = replica.sqlite;
const clientId = crypto.randomUUID();
const cursorOf = () => db.prepare('SELECT cursor FROM sync_state').pluck().get() as number;
const messageCount = () => db.prepare('SELECT count(*) FROM messages').pluck().get() as number;

/** Starts the app's engine on the replica; resolves with it once it is live. */
async function startEngine(): Promise<{ engine: SyncEngine; live: Promise<void> }> {
  let onLive: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const live = new Promise<void>((resolve, reject) => ((onLive = resolve), (onFail = reject)));
  const engine = createSyncEngine({
    db,
    transport: createSocketTransport({ serverUrl: base, fetch, logger: silentLogger }),
    queries: createReplicaQueries(db, () => manager.userId),
    clientId,
    replicaId: 'bench-catch-up',
    organizationId: org.organizationId,
    token: async () => ({ ok: true, value: manager.token }),
    clock: systemClock,
    logger: silentLogger,
    backfill: false,
    onStatus: (s) => {
      if (s.state === 'online') onLive();
      if (s.updateRequired) onFail(new Error(s.lastError ?? 'update required'));
    },
    onChanged: () => undefined,
    onRevoked: () => undefined,
    onSessionRevoked: () => onFail(new Error('session revoked')),
  });
  engine.start();
  return { engine, live };
}

const missed = async (changes: number) =>
  (await (
    await fetch(`${base}/__bench/missed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ changes, conversations: CONVERSATIONS }),
    })
  ).json()) as { from: number; to: number };

// First launch: the organization's conversations exist; the replica bootstraps them.
await missed(0);
{
  const { engine, live } = await startEngine();
  await live;
  engine.stop();
}

const runs: { ms: number; changes: number; pulledTo: number }[] = [];
for (let i = 0; i < REPS; i++) {
  // Offline: the server moves on.
  const before = messageCount();
  const { from, to } = await missed(MISSED);
  if (cursorOf() !== from) throw new Error(`replica cursor ${cursorOf()} is not the server's ${from}`);
  // The app starts again on the same replica and catches up.
  const t0 = performance.now();
  const { engine, live } = await startEngine();
  await live;
  const ms = performance.now() - t0;
  engine.stop();
  if (cursorOf() !== to) throw new Error(`catch-up stopped at ${cursorOf()}, the server is at ${to}`);
  const gained = messageCount() - before;
  if (gained !== MISSED / 2) throw new Error(`${gained} new messages in the replica, expected ${MISSED / 2}`);
  runs.push({ ms, changes: to - from, pulledTo: to });
}

replica.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ runs }));
process.exit(0);
