// catch-up: a client that was offline reconnects 10,000 changes behind (design/sync-protocol.md
// §2.5, quality bar G5 and §4 "10k missed changes ≤ 1 s"). Measured through the REAL path: a
// sync engine on a file replica with 20,000 conversations gets `sync:hello`, pulls the missed
// log in pages of 2,000 (each page JSON-encoded and zod-parsed as the transport does, applied in
// one transaction with its cursor, confirmations and counts), until it is live again. Baseline:
// the same rows written with raw prepared upserts in the same five transactions, no engine.
// A second line runs it end to end: the real server (servers/parley-sync.ts on PGlite, core 0)
// commits the 10k entries while a real client (catch-up-load.ts, core 1: engine, socket
// transport, file replica) is away, and times the client's restart → handshake → HTTP pulls →
// live; it checks the cursor and that every missed message landed once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { ok } from '#contract/result';
import { PullResponse, type ChangeEntry, type PutEntry } from '#contract/sync/protocol';
import { silentLogger } from '../src/core/deps';
import { resolveMigrationsDir } from '../src/core/db/migrate';
import { openReplicaDb } from '../src/core/db/open-db';
import { createReplicaQueries } from '../src/core/replica/queries';
import { createApplier, emptySummary } from '../src/core/sync/apply/apply';
import { messageSearchText } from '../src/core/sync/apply/search-text';
import { createSyncEngine } from '../src/core/sync/engine/engine';
import { contactRow, conversationRow, messageRow } from '../src/core/testing/replica-fixtures';
import { createScriptedTransport } from '../src/core/testing/scripted-transport';
import { median, round, type MetricLine } from './lib/metric';
import { runProcess, startProcess } from './lib/processes';

const CONVERSATIONS = 20_000;
const MISSED = Number(process.env.CATCH_UP_CHANGES ?? 10_000);
const PAGE = 2_000;
const REPS = Number(process.env.BENCH_REPS ?? 5);
const migrations = resolveMigrationsDir();
const id = (kind: number, n: number) => `0190a4b2-000${kind}-7000-8000-${n.toString(16).padStart(12, '0')}`;
const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

/** A replica that was in sync at seq CONVERSATIONS. */
function seeded(): { db: Database.Database; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const r = openReplicaDb(join(dir, 'replica.sqlite'), migrations);
  const applier = createApplier(r.sqlite);
  const lines: PutEntry[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const c = conversationRow(id(1, i), {
      contact: { id: id(2, i), name: `C ${i}`, phone: null, waId: null },
      lastConvSeq: 1,
    });
    lines.push({ e: 'conversation', id: c.id, v: i + 1, op: 'put', row: c, scope: ['role'] });
    lines.push({ e: 'contact', id: id(2, i), v: i + 1, op: 'put', row: contactRow(id(2, i)) });
  }
  r.sqlite.transaction(() =>
    applier.applyEntries(lines, { kind: 'snapshot', snapshotSeq: 1e9, current: true }, emptySummary()),
  )();
  r.sqlite.prepare('UPDATE sync_state SET bootstrap_phase = 3, cursor = ?').run(CONVERSATIONS);
  return { db: r.sqlite, done: () => (r.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** What the client missed: new inbound messages, the conversations they touch, some contact edits. */
function missed(): ChangeEntry[] {
  const out: ChangeEntry[] = [];
  let seq = CONVERSATIONS;
  for (let k = 0; out.length < MISSED; k++) {
    const i = (k * 7919) % CONVERSATIONS;
    const convSeq = 2 + Math.floor(k / CONVERSATIONS);
    out.push({
      e: 'message',
      id: id(5, k),
      v: ++seq,
      op: 'put',
      row: messageRow(id(5, k), id(1, i), convSeq, { text: `Hi, any news on order ${k}?`, createdAt: at(k) }),
    });
    out.push({
      e: 'conversation',
      id: id(1, i),
      v: ++seq,
      op: 'put',
      row: conversationRow(id(1, i), {
        contact: { id: id(2, i), name: `C ${i}`, phone: null, waId: null },
        lastConvSeq: convSeq,
        unreadCount: 1,
        lastMessageAt: at(k),
      }),
      scope: ['role'],
    });
    if (k % 10 === 0)
      out.push({
        e: 'contact',
        id: id(2, i),
        v: ++seq,
        op: 'put',
        row: contactRow(id(2, i), { name: `Customer ${i} (edited)` }),
      });
  }
  return out.slice(0, MISSED);
}

/** Milliseconds from `sync:hello` to live, through the engine. */
async function ours(changes: ChangeEntry[]): Promise<number> {
  const { db, done } = seeded();
  const tenantSeq = changes.at(-1)!.v;
  const t = createScriptedTransport();
  t.onPull = (q) => {
    const from = changes.findIndex((c) => c.v > q.cursor);
    const page = from < 0 ? [] : changes.slice(from, from + PAGE);
    const nextCursor = page.length ? page.at(-1)!.v : q.cursor;
    // What crosses the wire: JSON text, parsed with the contract schema.
    const body = JSON.stringify({
      changes: page,
      nextCursor,
      hasMore: nextCursor < tenantSeq,
      tenantSeq,
      lmid: 0,
      mutationResults: [],
    });
    return PullResponse.parse(JSON.parse(body));
  };
  let onLine: () => void = () => undefined;
  const live = new Promise<void>((r) => (onLine = r));
  const engine = createSyncEngine({
    db,
    transport: t,
    queries: createReplicaQueries(db, () => id(3, 0)),
    clientId: id(6, 1),
    replicaId: 'bench',
    organizationId: id(7, 1),
    token: async () => ok('t'),
    clock: {
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    logger: silentLogger,
    backfill: false,
    onStatus: (s) => s.state === 'online' && onLine(),
    onChanged: () => undefined,
    onRevoked: () => undefined,
    onSessionRevoked: () => undefined,
  });
  engine.start();
  await new Promise((r) => setImmediate(r));
  const start = process.hrtime.bigint();
  t.hello({ tenantSeq });
  await live;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  engine.stop();
  if ((db.prepare('SELECT cursor FROM sync_state').pluck().get() as number) !== tenantSeq)
    throw new Error('catch-up incomplete');
  done();
  return ms;
}

/** Milliseconds to write the same rows with raw prepared upserts, one transaction per page. */
function raw(changes: ChangeEntry[]): number {
  const { db, done } = seeded();
  const message = db.prepare(
    `INSERT INTO messages (id, version, conversation_id, conv_seq, search_text, row) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, row = excluded.row`,
  );
  const conv = db.prepare(
    `UPDATE conversations SET version = ?, unread_count = ?, last_conv_seq = ?, sort_at = ?, row = ? WHERE id = ?`,
  );
  const contact = db.prepare('UPDATE contacts SET version = ?, search_text = ?, row = ? WHERE id = ?');
  const cursor = db.prepare('UPDATE sync_state SET cursor = ?');
  const start = process.hrtime.bigint();
  for (let i = 0; i < changes.length; i += PAGE) {
    const page = changes.slice(i, i + PAGE);
    db.transaction(() => {
      for (const e of page) {
        if (e.op !== 'put') continue;
        if (e.e === 'message')
          message.run(
            e.id,
            e.v,
            e.row.conversationId,
            e.row.convSeq,
            messageSearchText(e.row),
            JSON.stringify(e.row),
          );
        else if (e.e === 'conversation')
          conv.run(
            e.v,
            e.row.unreadCount,
            e.row.lastConvSeq,
            Date.parse(e.row.lastMessageAt ?? e.row.createdAt),
            JSON.stringify(e.row),
            e.id,
          );
        else if (e.e === 'contact') contact.run(e.v, e.row.name ?? '', JSON.stringify(e.row), e.id);
      }
      cursor.run(page.at(-1)!.v);
    })();
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  done();
  return ms;
}

/** The end-to-end runs: real server process, real client process. */
async function endToEnd(): Promise<{ ms: number; changes: number }[]> {
  const server = await startProcess<Record<string, unknown>>(
    fileURLToPath(new URL('./servers/parley-sync.ts', import.meta.url)),
    { cpu: 0, env: { DATABASE_URL: '', ORGS: '1', MANAGERS: '1', AGENTS: '0' }, timeoutMs: 120_000 },
  );
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-catch-up-'));
  const file = join(dir, 'server.json');
  writeFileSync(file, JSON.stringify(server.info));
  try {
    const r = await runProcess<{ runs: { ms: number; changes: number }[] }>(
      fileURLToPath(new URL('./catch-up-load.ts', import.meta.url)),
      { cpu: 1, env: { SERVER_INFO_FILE: file, CATCH_UP_CHANGES: String(MISSED), BENCH_REPS: String(REPS) } },
    );
    return r.runs;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The benchmark. */
export async function* run(): AsyncIterable<MetricLine> {
  const changes = missed();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < REPS; i++) {
    b.push(raw(changes));
    a.push(await ours(changes));
  }
  const value = median(a);
  const baseline = median(b);
  yield {
    metric: 'catch-up.apply_10k_ms',
    value: round(value),
    unit: 'ms',
    baseline: round(baseline),
    ratio: round(baseline / value),
    target: { max: 1000 },
    notes: {
      changes: changes.length,
      pageSize: PAGE,
      replicaConversations: CONVERSATIONS,
      runs: a.map((x) => round(x)),
      baselineRuns: b.map((x) => round(x)),
      what: 'client core only: scripted transport (JSON + zod per page), engine, file replica',
    },
  };
  const e2e = await endToEnd();
  const ms = e2e.map((r) => r.ms);
  yield {
    metric: 'catch-up.pglite.reconnect_10k_ms',
    value: round(median(ms)),
    unit: 'ms',
    baseline: null,
    ratio: null,
    target: { max: 1000 },
    notes: {
      changes: e2e.map((r) => r.changes),
      runs: ms.map((x) => round(x)),
      what: 'real server on PGlite (core 0) and real client core (core 1): app start → handshake → HTTP pulls of 2,000 → live; cursor and every missed message checked',
    },
  };
}
