import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '#contract/api/auth';
import type { ConversationRevoked, ReplicaChanged, SyncStatus } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import type { ChangeEntry, LivePacket, PullResponse } from '#contract/sync/protocol';
import { createCommands, type Commands } from '../../commands/commands';
import { silentLogger } from '../../deps';
import { createReplicaQueries } from '../../replica/queries';
import {
  conversationRow,
  contactRow,
  memoryReplica,
  messageRow,
  put,
  uuid,
} from '../../testing/replica-fixtures';
import {
  createScriptedTransport,
  SCRIPTED_USER,
  type ScriptedTransport,
} from '../../testing/scripted-transport';
import { createSyncEngine, type SyncEngine } from './engine';
import { createVirtualClock, settle, type VirtualClock } from '../../testing/virtual-time';

const C = uuid(1);
const D = uuid(2);
const CLIENT = uuid(3, '0190a4b2-0000-7000-8888');
const user: SessionUser = {
  id: SCRIPTED_USER,
  email: 'a@example.test',
  name: 'A',
  role: 'agent',
  organizationId: uuid(9),
  organizationName: 'Org',
};

let db: Database.Database;
let clock: VirtualClock;
let t: ScriptedTransport;
let engine: SyncEngine;
let commands: Commands;
let statuses: SyncStatus[];
let changes: ReplicaChanged[];
let revoked: Omit<ConversationRevoked, 'reassignedToName'>[];

const page = (
  over: Partial<Extract<PullResponse, { changes: unknown }>> & { nextCursor: number },
): PullResponse => ({
  changes: [],
  hasMore: false,
  tenantSeq: over.nextCursor,
  lmid: 0,
  mutationResults: [],
  ...over,
});
const packet = (prev: number | null, seq: number, changes: ChangeEntry[] = []): LivePacket => ({
  prev,
  seq,
  changes,
  tenantSeq: seq,
});
const cursor = () => db.prepare('SELECT cursor FROM sync_state').pluck().get() as number;
const has = (table: string, id: string) =>
  db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).pluck().get(id) === 1;

function start(opts: { bootstrapped?: boolean } = {}) {
  db.prepare('INSERT OR IGNORE INTO sync_state (id) VALUES (1)').run();
  if (opts.bootstrapped !== false)
    db.prepare('UPDATE sync_state SET bootstrap_phase = 3, cursor = max(cursor, 10)').run();
  engine = createSyncEngine({
    db,
    transport: t,
    queries: createReplicaQueries(db, () => user.id),
    clientId: CLIENT,
    replicaId: 'r',
    organizationId: user.organizationId,
    token: async () => ok('token'),
    clock,
    logger: silentLogger,
    random: () => 0.5,
    backfill: false,
    timing: { silenceMs: 10 * 60_000 },
    onStatus: (s) => statuses.push(s),
    onChanged: (c) => changes.push(c),
    onRevoked: (r) => revoked.push(r),
    onSessionRevoked: () => undefined,
  });
  commands = createCommands({
    db,
    outbox: engine.outbox,
    user: () => user,
    now: () => clock.now(),
    changed: (s) => engine.committed(s),
  });
  engine.start();
}
const connect = async (hello = {}) => {
  await clock.advance(0);
  t.hello(hello);
  await clock.advance(0);
};

beforeEach(() => {
  db = memoryReplica();
  clock = createVirtualClock();
  t = createScriptedTransport();
  statuses = [];
  changes = [];
  revoked = [];
});
afterEach(() => {
  engine?.stop();
  db.close();
});

describe('handshake and bootstrap', () => {
  it('bootstraps the three phases, makes the inbox usable after the first chunk, then pulls from the snapshot', async () => {
    const row = conversationRow(C);
    t.onBootstrap = (q) =>
      q.phase === 0
        ? [{ snapshotSeq: 7, counts: {} }]
        : q.phase === 1
          ? [
              put.conversation(row, 5),
              put.contact(contactRow(row.contact.id), 5),
              { snapshotSeq: 8, counts: { conversation: 1, contact: 1 } },
            ]
          : [
              put.message(messageRow(uuid(4), C, 1), 6),
              { floor: { conversationId: C, convSeq: 1 } },
              { snapshotSeq: 9, counts: { message: 1 } },
            ];
    start({ bootstrapped: false });
    await connect({ tenantSeq: 9 });
    expect(t.auth).toMatchObject({ clientId: CLIENT, protocol: 1, schema: 1, cursor: 0, lastMutationId: 0 });
    expect(t.bootstraps.map((b) => b.phase)).toEqual([0, 1, 2]);
    // The chunk with the conversation was announced before the bootstrap finished.
    expect(changes.findIndex((c) => c.tables.includes('conversations'))).toBeLessThan(changes.length - 1);
    expect(t.pulls[0]).toMatchObject({ cursor: 7 });
    expect(cursor()).toBe(7);
    expect(db.prepare('SELECT conv_seq FROM history_floor').pluck().get()).toBe(1);
    expect(statuses.map((s) => s.state)).toContain('syncing');
    expect(statuses.at(-1)).toMatchObject({ state: 'online', progress: null });
  });

  it('retries a phase whose counts do not match what arrived', async () => {
    let calls = 0;
    t.onBootstrap = (q) => {
      if (q.phase === 0 && calls++ === 0) return [{ snapshotSeq: 3, counts: { member: 1 } }];
      return [{ snapshotSeq: 3, counts: {} }];
    };
    start({ bootstrapped: false });
    await connect();
    expect(statuses.at(-1)?.lastError).toContain('Bootstrap counts differ');
    await clock.advance(2_000);
    expect(t.bootstraps.map((b) => b.phase)).toEqual([0, 0, 1, 2]);
    expect(statuses.at(-1)?.state).toBe('online');
  });

  it('a cursor below the log floor re-bootstraps, keeping the outbox', async () => {
    start();
    db.prepare(
      `INSERT INTO conversations (id, version, status, important, labels, unread_count, read_up_to_conv_seq,
       last_conv_seq, contact_id, whatsapp_account_id, sort_at, _scope, row) VALUES (?, 1, 'open', 0, '[]', 0, 0, 0, 'c', 'w', 0, '[]', '{}')`,
    ).run(C);
    commands.setStatus({ conversationId: C, status: 'resolved' });
    t.onBootstrap = () => [{ snapshotSeq: 50, counts: {} }];
    t.onPush = () => new Promise(() => undefined); // keep it queued
    await connect({ tenantSeq: 60, floorSeq: 20 });
    expect(t.bootstraps).toHaveLength(3);
    expect(has('conversations', C)).toBe(false);
    expect(engine.outbox.size()).toBe(1);
    expect(cursor()).toBe(50);
  });
});

describe('live packets', () => {
  it('ignore duplicates, apply in-order packets, and pull on a gap while buffering', async () => {
    start();
    await connect({ tenantSeq: 10 });
    t.live(packet(10, 12, [put.conversation(conversationRow(C), 12)]));
    expect(cursor()).toBe(12);
    t.live(packet(10, 12, [put.conversation(conversationRow(C, { status: 'resolved' }), 11)])); // duplicate
    expect(db.prepare('SELECT status FROM conversations').pluck().get()).toBe('open');
    // A gap: 12 → (15 lost) → 20. The engine pulls; a packet arriving meanwhile is buffered.
    let release: (r: PullResponse) => void = () => undefined;
    t.onPull = () => new Promise((r) => (release = r));
    t.live(packet(15, 20, [put.conversation(conversationRow(D), 20)]));
    await settle();
    expect(t.pulls.at(-1)).toMatchObject({ cursor: 12 });
    t.live(packet(20, 22, [put.conversation(conversationRow(C, { status: 'pending' }), 22)]));
    expect(cursor()).toBe(12);
    release(page({ nextCursor: 20, changes: [put.conversation(conversationRow(D), 20)] }));
    await clock.advance(0);
    expect(cursor()).toBe(22);
    expect(has('conversations', D)).toBe(true);
    expect(db.prepare('SELECT status FROM conversations WHERE id = ?').pluck().get(C)).toBe('pending');
    expect(statuses.at(-1)?.state).toBe('online');
  });

  it('a tick ahead of the cursor pulls; a revoke deletes and tells the person', async () => {
    start();
    await connect({ tenantSeq: 10 });
    t.live(
      packet(10, 11, [put.conversation(conversationRow(C), 11), put.message(messageRow(uuid(5), C, 1), 11)]),
    );
    t.onPull = (q) =>
      page({
        nextCursor: 14,
        changes: [{ e: 'conversation', id: C, v: 13, op: 'revoke', reassignedTo: uuid(6) }],
        lmid: q.lmid,
      });
    t.events?.tick({ seq: 14 });
    await clock.advance(0);
    expect(cursor()).toBe(14);
    expect(has('conversations', C)).toBe(false);
    expect(has('messages', uuid(5))).toBe(false);
    expect(revoked).toEqual([
      { conversationId: C, reason: 'reassigned', reassignedTo: uuid(6), pendingCount: 0 },
    ]);
  });

  it('a packet naming a group join runs the partial bootstrap for that group', async () => {
    start();
    await connect({ tenantSeq: 10 });
    t.onBootstrap = () => [
      put.conversation(conversationRow(D), 4, [`team:${uuid(7)}`]),
      { snapshotSeq: 11, counts: { conversation: 1 } },
    ];
    t.live(packet(10, 11, [{ e: 'group', id: uuid(7), v: 11, op: 'group_join', group: `team:${uuid(7)}` }]));
    await clock.advance(0);
    expect(t.bootstraps).toEqual([{ phase: 1, group: `team:${uuid(7)}` }]);
    expect(has('conversations', D)).toBe(true);
    expect(db.prepare('SELECT pending_groups FROM sync_state').pluck().get()).toBeNull();
  });
});

describe('push', () => {
  const seed = () => {
    db.transaction(() => {
      db.prepare(
        `INSERT INTO conversations (id, version, status, important, labels, unread_count, read_up_to_conv_seq,
         last_conv_seq, contact_id, whatsapp_account_id, sort_at, _scope, row) VALUES (?, 1, 'open', 0, '[]', 0, 0, 0, 'c', 'w', 0, '[]', ?)`,
      ).run(C, JSON.stringify(conversationRow(C)));
    })();
  };

  it('sends the outbox in id order, in batches of at most 100, and confirms when the cursor reaches the ack', async () => {
    start();
    seed();
    for (let i = 0; i < 130; i++) commands.setImportant({ conversationId: C, important: i % 2 === 0 });
    t.onPush = (f) => ({
      ok: true,
      lmid: f.mutations.at(-1)!.mutationId,
      seq: 40,
      results: f.mutations.map((m) => ({ mid: m.mutationId, status: 'applied' as const, seq: 40 })),
    });
    await connect({ tenantSeq: 10 });
    expect(t.pushes.map((p) => p.mutations.length)).toEqual([100, 30]);
    expect(t.pushes.flatMap((p) => p.mutations.map((m) => m.mutationId))).toEqual(
      Array.from({ length: 130 }, (_, i) => i + 1),
    );
    // Applied but the cursor is behind: still shown as syncing.
    expect(engine.outbox.size()).toBe(130);
    t.onPull = (q) =>
      page({
        nextCursor: 40,
        lmid: q.lmid,
        changes: [put.conversation(conversationRow(C, { important: true }), 40)],
      });
    await clock.advance(600); // no packet brought the cursor there: the engine pulls
    expect(cursor()).toBe(40);
    expect(engine.outbox.size()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM pending_patches').pluck().get()).toBe(0);
  });

  it('backs off exponentially up to 30 s, and retries at once on reconnect', async () => {
    start();
    seed();
    commands.setStatus({ conversationId: C, status: 'resolved' });
    t.onPush = () => ({ ok: false, error: { code: 'unavailable', message: 'db down', retryable: true } });
    await connect({ tenantSeq: 10 });
    const times: number[] = [];
    const onPush = t.onPush;
    t.onPush = (f) => {
      times.push(clock.now());
      return onPush(f);
    };
    await clock.advance(120_000);
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    expect(gaps.slice(0, 5)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000].map((g) => g * 0.75));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
    expect(statuses.at(-1)?.lastError).toBe('db down');
    // Reconnect: pushed immediately, no waiting out the backoff.
    t.onPush = (f) => ({
      ok: true,
      lmid: 1,
      seq: 10,
      results: [{ mid: f.mutations[0]!.mutationId, status: 'applied', seq: 10 }],
    });
    t.drop();
    await clock.advance(1_000);
    const before = t.pushes.length;
    await connect({ tenantSeq: 10 });
    expect(t.pushes.length).toBe(before + 1);
    expect(engine.outbox.size()).toBe(0);
  });

  it('a rejection becomes a visible failure that keeps the text', async () => {
    start();
    seed();
    const r = commands.sendMessage({ conversationId: C, message: { type: 'text', text: 'are you there?' } });
    t.onPush = (f) => ({
      ok: true,
      lmid: 1,
      seq: 10,
      results: [
        {
          mid: f.mutations[0]!.mutationId,
          status: 'rejected',
          seq: 10,
          error: { code: 'window_closed', message: 'Use a template.' },
        },
      ],
    });
    await connect({ tenantSeq: 10 });
    expect(statuses.at(-1)).toMatchObject({ outboxSize: 0, failedCount: 1 });
    expect(commands.list(new Set())).toMatchObject([
      { state: 'failed', text: 'are you there?', error: { code: 'window_closed' }, canRetry: false },
    ]);
    expect(engine.messages(C, undefined, 20).items).toMatchObject([
      { id: r.ok ? r.value.id : '', pending: { state: 'failed' } },
    ]);
  });
});

describe('update required', () => {
  it('stops syncing, keeps queuing writes, and resumes only with a newer build', async () => {
    start();
    await connect({ tenantSeq: 10 });
    t.events?.updateRequired({
      reason: 'mutator',
      message: 'Update Parley to keep syncing.',
      schemaRange: { min: 2, max: 3 },
    });
    expect(statuses.at(-1)).toMatchObject({
      state: 'offline',
      updateRequired: true,
      lastError: 'Update Parley to keep syncing.',
    });
    await clock.advance(60_000);
    expect(t.connects).toBe(1);
    engine.stop();
    // The same build restarting stays stopped.
    start();
    await clock.advance(1_000);
    expect(t.connects).toBe(1);
    expect(statuses.at(-1)?.updateRequired).toBe(true);
  });
});

describe('history', () => {
  it('fetches missing history behind the page, sets the floor, and stops at the first message', async () => {
    start();
    await connect({ tenantSeq: 10 });
    const all = Array.from({ length: 60 }, (_, i) => messageRow(uuid(100 + i), C, i + 1));
    t.onHistory = (q) => {
      const below = all
        .filter((m) => q.beforeConvSeq === undefined || m.convSeq < q.beforeConvSeq)
        .slice(-q.limit);
      return {
        snapshotSeq: 11,
        conversationId: C,
        changes: below.map((m) => put.message(m, 5)),
        lowestConvSeq: below[0]?.convSeq ?? null,
        hasMore: (below[0]?.convSeq ?? 1) > 1,
      };
    };
    // The conversation arrives without its contact: the engine hydrates it with the newest page.
    t.live(packet(10, 11, [put.conversation(conversationRow(C, { lastConvSeq: 60 }), 11)]));
    await clock.advance(0);
    expect(t.histories).toEqual([{ conversationId: C, limit: 50 }]);
    const newest = engine.messages(C, undefined, 30);
    expect(newest.items.map((m) => m.convSeq)).toEqual(Array.from({ length: 30 }, (_, i) => 31 + i));
    expect(newest.nextBeforeConvSeq).toBe(31);
    const older = engine.messages(C, 31, 30);
    expect(older.items[0]?.convSeq).toBe(11);
    expect(older.hasOlder).toBe(true);
    const oldest = engine.messages(C, 11, 30);
    expect(oldest).toMatchObject({ hasOlder: true, loadingOlder: true });
    await clock.advance(0);
    expect(t.histories.at(-1)).toEqual({ conversationId: C, beforeConvSeq: 11, limit: 50 });
    expect(db.prepare('SELECT conv_seq FROM history_floor').pluck().get()).toBe(1);
    expect(engine.messages(C, 11, 30)).toMatchObject({ hasOlder: false, nextBeforeConvSeq: null });
  });
});
