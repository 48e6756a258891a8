// inbox-query (issue 6): the next 50 rows of the inbox at any depth over a replica of 100k
// conversations (and their 100k contacts), through the function the inbox's
// `conversations:list` handler calls (`listConversations`, src/core/replica/inbox-queries.ts),
// against a raw better-sqlite3 prepared keyset statement returning the same rows, same run.
//
// The replica is a real one: a file opened and migrated by the client core (WAL, its indexes,
// triggers and FTS tables), filled through the sync applier as a bootstrap would. Each
// workload is a view/tab/filter combination the inbox asks for; each sample starts at a random
// keyset position anywhere in that list (so "any depth" is covered uniformly, from the first
// page to the last), and both sides read the very same positions, interleaved in blocks so
// machine noise hits both alike. Every sampled page is checked to hold the same ids on both
// sides before anything is timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ConversationStatus, MessageType } from '#contract/domain/messaging';
import type { Parsed } from '#contract/ipc/contract';
import type { PutEntry } from '#contract/sync/protocol';
import { resolveMigrationsDir } from '../src/core/db/migrate';
import { openReplicaDb } from '../src/core/db/open-db';
import { createReplicaQueries } from '../src/core/replica/queries';
import { createApplier, emptySummary } from '../src/core/sync/apply/apply';
import { contactRow, conversationRow } from '../src/core/testing/replica-fixtures';
import { median, round, type MetricLine } from './lib/metric';

const N = Number(process.env.INBOX_CONVERSATIONS ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);
/** Random positions per workload and repetition. */
const SAMPLES = Number(process.env.INBOX_SAMPLES ?? 400);
const PAGE = 50;
const CHUNK = 1_000;

const id = (kind: number, n: number) => `0190a4b2-000${kind}-7000-8000-${n.toString(16).padStart(12, '0')}`;
const ME = id(3, 0);
const TEAMS = [id(4, 0), id(4, 1), id(4, 2), id(4, 3)];
const STATUSES: ConversationStatus[] = ['open', 'open', 'open', 'pending', 'snoozed', 'resolved', 'resolved'];
const TYPES: MessageType[] = ['text', 'text', 'text', 'image', 'audio', 'document', 'text', 'location'];
const LABELS = [[], [], ['vip'], [], ['refund', 'late'], [], ['wholesale'], [], [], []] as string[][];
const PREVIEWS = [
  'Hi, is my order ready for pickup today?',
  'Thanks, that worked!',
  'Can I change the delivery address to the office?',
  'Do you deliver on Sundays?',
];

/** A small PRNG (mulberry32): every run draws the same replica and positions. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Conversations and contacts as the server's bootstrap streams them. */
function* entries(): Generator<PutEntry> {
  const r = rng(7);
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < N; i++) {
    const contactId = id(2, i);
    const at = new Date(t0 + i * 37_000 + Math.floor(r() * 30_000)).toISOString();
    const type = TYPES[Math.floor(r() * TYPES.length)]!;
    const inbound = r() < 0.6;
    const a = r();
    const name = r() < 0.08 ? null : `Customer ${i}`;
    const phone = `+55119${String(10_000_000 + i).slice(-8)}`;
    const c = conversationRow(id(1, i), {
      status: STATUSES[Math.floor(r() * STATUSES.length)]!,
      // A quarter mine, a quarter unassigned, the rest spread over 19 teammates.
      assigneeId: a < 0.25 ? ME : a < 0.5 ? null : id(3, 1 + Math.floor(r() * 19)),
      teamId: r() < 0.8 ? TEAMS[Math.floor(r() * TEAMS.length)]! : null,
      important: r() < 0.1,
      labels: LABELS[Math.floor(r() * LABELS.length)]!,
      unreadCount: inbound && r() < 0.35 ? 1 + Math.floor(r() * 6) : 0,
      contact: { id: contactId, name, phone, waId: phone.slice(1) },
      lastMessage: {
        id: id(5, i),
        type,
        direction: inbound ? 'inbound' : 'outbound',
        preview: type === 'text' ? PREVIEWS[Math.floor(r() * PREVIEWS.length)]! : '',
        status: 'delivered',
        at,
      },
      lastMessageAt: at,
      windowExpiresAt: inbound ? new Date(Date.parse(at) + 86_400_000).toISOString() : null,
      createdAt: at,
      updatedAt: at,
      lastConvSeq: 1 + (i % 40),
      readUpToConvSeq: 1 + (i % 40),
    });
    yield { e: 'conversation', id: c.id, v: i + 1, op: 'put', row: c, scope: ['role'] };
    yield {
      e: 'contact',
      id: contactId,
      v: i + 1,
      op: 'put',
      row: contactRow(contactId, { name, phone, waId: phone.slice(1) }),
    };
  }
}

/** A file replica, migrated by the core and filled through the real applier. */
function buildReplica(): { db: Database.Database; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-inbox-query-'));
  const r = openReplicaDb(join(dir, 'replica.sqlite'), resolveMigrationsDir());
  const applier = createApplier(r.sqlite);
  let chunk: PutEntry[] = [];
  const flush = () => {
    const lines = chunk;
    chunk = [];
    r.sqlite.transaction(() =>
      applier.applyEntries(
        lines,
        { kind: 'snapshot', snapshotSeq: Number.MAX_SAFE_INTEGER, current: true },
        emptySummary(),
      ),
    )();
  };
  for (const e of entries()) {
    chunk.push(e);
    if (chunk.length === CHUNK) flush();
  }
  if (chunk.length) flush();
  r.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  r.sqlite.exec('ANALYZE');
  return { db: r.sqlite, done: () => (r.close(), rmSync(dir, { recursive: true, force: true })) };
}

type ListInput = Parsed<'conversations:list'>;

/** A workload: the inbox's input and the raw statement's WHERE for the same rows. */
interface Workload {
  name: string;
  input: Omit<ListInput, 'cursor' | 'limit'>;
  where: string;
  params: Record<string, unknown>;
}

const WORKLOADS: Workload[] = [
  { name: 'all/open', input: { view: 'all', tab: 'open' }, where: 'status = @tab', params: { tab: 'open' } },
  {
    name: 'all/resolved',
    input: { view: 'all', tab: 'resolved' },
    where: 'status = @tab',
    params: { tab: 'resolved' },
  },
  {
    name: 'mine/open',
    input: { view: 'mine', tab: 'open' },
    where: 'assignee_id = @me AND status = @tab',
    params: { tab: 'open', me: ME },
  },
  {
    name: 'unassigned/pending',
    input: { view: 'unassigned', tab: 'pending' },
    where: 'assignee_id IS NULL AND status = @tab',
    params: { tab: 'pending' },
  },
  {
    name: 'team/open',
    input: { view: 'team', teamId: TEAMS[1], tab: 'open' },
    where: 'team_id = @teamId AND status = @tab',
    params: { tab: 'open', teamId: TEAMS[1] },
  },
  {
    name: 'all/open/unread',
    input: { view: 'all', tab: 'open', unread: true },
    where: 'status = @tab AND unread_count > 0',
    params: { tab: 'open' },
  },
  {
    name: 'mine/open/important',
    input: { view: 'mine', tab: 'open', important: true },
    where: 'assignee_id = @me AND status = @tab AND important = 1',
    params: { tab: 'open', me: ME },
  },
  {
    name: 'all/open/label',
    input: { view: 'all', tab: 'open', label: 'vip' },
    where: 'status = @tab AND EXISTS (SELECT 1 FROM json_each(labels) WHERE value = @label)',
    params: { tab: 'open', label: 'vip' },
  },
];

/** One prepared workload: positions to start from and the two readers. */
interface Prepared {
  w: Workload;
  /** Every keyset position of the list (sort_at, id), newest first. */
  keys: { sort_at: number; id: string }[];
  ours: (after: { sort_at: number; id: string } | null) => number;
  raw: (after: { sort_at: number; id: string } | null) => number;
  rowsOnly: (after: { sort_at: number; id: string } | null) => number;
  /** The page as JSON (items without the overlay flag, next cursor), for the equality check. */
  oursIds: (after: { sort_at: number; id: string } | null) => string;
  rawIds: (after: { sort_at: number; id: string } | null) => string;
}

function prepare(db: Database.Database, q: ReturnType<typeof createReplicaQueries>, w: Workload): Prepared {
  const keys = db
    .prepare(`SELECT sort_at, id FROM conversations WHERE ${w.where} ORDER BY sort_at DESC, id DESC`)
    .all(w.params) as { sort_at: number; id: string }[];
  // The raw side: one prepared keyset statement per shape (first page / next page), written by
  // hand over the same index: the conversation's stored JSON row decoded into the object handed
  // to the UI, with its contact's current name and number (the list shows them; contacts are
  // their own synced entity), as any reader of this replica must. `rowsOnly` skips the contact.
  const select = (contact: boolean, after: boolean) =>
    db.prepare(
      `SELECT c.id, c.sort_at, c.row${
        contact
          ? `, json_extract(ct.row, '$.name') AS name, json_extract(ct.row, '$.phone') AS phone
         FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id`
          : ' FROM conversations c'
      }
       WHERE ${w.where.replace(/\b(status|assignee_id|team_id|unread_count|important|labels)\b/g, 'c.$1')}
       ${after ? 'AND (c.sort_at, c.id) < (@sortAt, @afterId)' : ''}
       ORDER BY c.sort_at DESC, c.id DESC LIMIT ${PAGE + 1}`,
    );
  type Raw = { id: string; sort_at: number; row: string; name?: string | null; phone?: string | null };
  const reader = (contact: boolean) => {
    const first = select(contact, false);
    const next = select(contact, true);
    return (after: { sort_at: number; id: string } | null) => {
      const rows = (
        after ? next.all({ ...w.params, sortAt: after.sort_at, afterId: after.id }) : first.all(w.params)
      ) as Raw[];
      const items = rows.slice(0, PAGE).map((r) => {
        const c = JSON.parse(r.row) as { id: string; contact: { name: string | null; phone: string | null } };
        if (r.name != null) c.contact.name = r.name;
        if (r.phone != null) c.contact.phone = r.phone;
        return c;
      });
      const last = rows[PAGE - 1];
      return { items, nextCursor: rows.length > PAGE && last ? `${last.sort_at}:${last.id}` : null };
    };
  };
  const rawPage = reader(true);
  const rowsOnlyPage = reader(false);
  const oursPage = (after: { sort_at: number; id: string } | null) =>
    q.listConversations({
      ...w.input,
      limit: PAGE,
      ...(after ? { cursor: `${after.sort_at}:${after.id}` } : {}),
    } as ListInput);
  return {
    w,
    keys,
    ours: (after) => oursPage(after).items.length,
    raw: (after) => rawPage(after).items.length,
    rowsOnly: (after) => rowsOnlyPage(after).items.length,
    oursIds: (after) => {
      const page = oursPage(after);
      return JSON.stringify({
        items: page.items.map(({ hasPendingChanges: _, ...c }) => c),
        nextCursor: page.nextCursor,
      });
    },
    rawIds: (after) => JSON.stringify(rawPage(after)),
  };
}

/** Random starting positions anywhere in the list (null = the first page). */
function positions(p: Prepared, seed: number): ({ sort_at: number; id: string } | null)[] {
  const r = rng(seed);
  return Array.from({ length: SAMPLES }, () => {
    const k = Math.floor(r() * (p.keys.length + 1));
    return k === 0 ? null : p.keys[k - 1]!;
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
};

type Side = 'ours' | 'raw' | 'rowsOnly';
const SIDES: Side[] = ['ours', 'raw', 'rowsOnly'];

/** Runs the benchmark; yields its metric lines. */
export async function* run(): AsyncIterable<MetricLine> {
  const t = Date.now();
  const { db, done } = buildReplica();
  console.error(`#   replica of ${N} conversations built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const q = createReplicaQueries(db, () => ME);
  const prepared = WORKLOADS.map((w) => prepare(db, q, w));
  const ms: Record<Side, number[]> = { ours: [], raw: [], rowsOnly: [] };
  const rate: Record<Side, number[]> = { ours: [], raw: [], rowsOnly: [] };
  const perWorkload = new Map<string, Record<Side, number[]>>();
  try {
    // Correctness first: the same page (rows, contacts, next cursor) at every sampled position.
    for (const p of prepared) {
      for (const at of positions(p, 999)) {
        if (p.oursIds(at) !== p.rawIds(at))
          throw new Error(`${p.w.name}: the inbox query and the raw query disagree`);
      }
    }
    // Warm every side (statement caches, page cache).
    for (const p of prepared) for (const at of positions(p, 1)) for (const side of SIDES) p[side](at);

    const now = () => process.hrtime.bigint();
    for (let rep = 0; rep < REPS; rep++) {
      const total: Record<Side, bigint> = { ours: 0n, raw: 0n, rowsOnly: 0n };
      let pages = 0;
      for (const [wi, p] of prepared.entries()) {
        const at = positions(p, 100 + rep * 31 + wi);
        const slot = perWorkload.get(p.w.name) ?? { ours: [], raw: [], rowsOnly: [] };
        perWorkload.set(p.w.name, slot);
        // The same positions on every side, interleaved in blocks of 20, rotating which side
        // goes first, so drift on a noisy machine hits all alike.
        for (let b = 0; b < at.length; b += 20) {
          const block = at.slice(b, b + 20);
          const k = (b / 20 + rep) % SIDES.length;
          for (const side of [...SIDES.slice(k), ...SIDES.slice(0, k)]) {
            const read = p[side];
            for (const pos of block) {
              const s0 = now();
              read(pos);
              const d = now() - s0;
              total[side] += d;
              ms[side].push(Number(d) / 1e6);
              slot[side].push(Number(d) / 1e6);
            }
          }
          pages += block.length;
        }
      }
      for (const side of SIDES) rate[side].push(pages / (Number(total[side]) / 1e9));
    }
  } finally {
    done();
  }

  const workloads = Object.fromEntries(
    prepared.map((p) => {
      const s = perWorkload.get(p.w.name)!;
      return [
        p.w.name,
        {
          rows: p.keys.length,
          p50: round(median(s.ours)),
          p99: round(pct(s.ours, 0.99)),
          rawP50: round(median(s.raw)),
          rawP99: round(pct(s.raw, 0.99)),
        },
      ];
    }),
  );
  const common = { conversations: N, pageSize: PAGE, samplesPerWorkloadPerRep: SAMPLES, reps: REPS };
  const p99 = pct(ms.ours, 0.99);
  const rawP99 = pct(ms.raw, 0.99);
  yield {
    metric: 'inbox-query.next_page_p99_ms',
    value: round(p99),
    unit: 'ms',
    baseline: round(rawP99),
    ratio: round(rawP99 / p99),
    target: { max: 2 },
    notes: {
      ...common,
      pages: ms.ours.length,
      p50: round(median(ms.ours)),
      max: round(pct(ms.ours, 1)),
      rawP50: round(median(ms.raw)),
      workloads,
    },
  };
  const ours = median(rate.ours);
  const raw = median(rate.raw);
  const rowsOnly = median(rate.rowsOnly);
  yield {
    metric: 'inbox-query.pages_per_s',
    value: round(ours),
    unit: 'pages/s',
    baseline: round(raw),
    ratio: round(ours / raw),
    target: { ratio: 0.8 },
    notes: {
      ...common,
      runs: rate.ours.map((x) => round(x)),
      baselineRuns: rate.raw.map((x) => round(x)),
      baseline:
        'hand-written prepared keyset SELECT over the same index: the same rows JSON-decoded, with their contact’s current name and number (LEFT JOIN contacts)',
      rowsOnlyPagesPerS: round(rowsOnly),
      ratioVsRowsOnly: round(ours / rowsOnly),
      rowsOnly: 'the same SELECT without the contact join (what a list with possibly stale names would cost)',
    },
  };
}
