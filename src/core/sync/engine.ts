import type Database from 'better-sqlite3';
import type {
  ConversationRevoked,
  MessagePage,
  PresenceChanged,
  ReplicaChanged,
  SyncStatus,
} from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import {
  MUTATOR_VERSION,
  PROTOCOL_VERSION,
  SCHEMA_VERSION,
  SYNC_LIMITS,
  type BootstrapTrailer,
  type ChangeEntry,
  type Hello,
  type LivePacket,
  type MutationResult,
  type PutEntry,
  type UpdateRequired,
} from '#contract/sync/protocol';
import type { Clock, Logger } from '../deps';
import { createOutboxStore, type OutboxRow, type OutboxStore } from '../outbox/outbox-store';
import type { ReplicaQueries } from '../replica/queries';
import { createApplier, emptySummary, type ApplySummary } from './apply';
import { replicaChanged } from './message-spans';
import { createSyncStateStore, type BuildVersions } from './sync-state';
import { TransportError, type SyncTransport, type TransportEvents } from './transport';

/**
 * The sync engine (design/sync-protocol.md §2.4–2.11): one per replica. It owns the socket's
 * life (connect, handshake, reconnect with backoff), the ordered "sync lane" (bootstrap,
 * partial bootstraps after a group join, cursor pulls, and the buffered live packets, strictly
 * one at a time), the push loop (outbox in id order, batches ≤ 100, exponential backoff ≤ 30 s,
 * immediate retry on reconnect), lazy history with per-conversation floors, the background
 * backfill, and the status the UI shows.
 *
 * Every apply is ONE SQLite transaction that moves the data, the cursor, the mutation results
 * and the confirmations together, so a crash at any statement leaves the replica before or
 * after it. Nothing durable lives in memory: a restarted engine continues from `sync_state` and
 * the outbox.
 */

/** Tunables; the defaults are the protocol's. */
export interface EngineTiming {
  /** Ack timeout of a push. */
  pushTimeoutMs: number;
  /** Reconnect and push backoff: base and cap. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Pull page size. */
  pullLimit: number;
  /** How long after an ack the cursor may lag before the engine pulls. */
  ackCatchUpMs: number;
  /** Backfill: pause between pages, and how long the person must be idle first. */
  backfillStepMs: number;
  backfillIdleMs: number;
  /** Live packets buffered during a catch-up before the buffer is dropped (a pull covers them). */
  maxBuffered: number;
  /**
   * A connected socket that hears nothing (no packet, no tick) this long is dead (half-open):
   * the engine drops it and reconnects. The server ticks every 10 s.
   */
  silenceMs: number;
}

/** Protocol defaults. */
export const DEFAULT_TIMING: EngineTiming = {
  pushTimeoutMs: 15_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
  pullLimit: SYNC_LIMITS.pullDefault,
  ackCatchUpMs: 500,
  backfillStepMs: 250,
  backfillIdleMs: 2_000,
  maxBuffered: 5_000,
  silenceMs: 25_000,
};

/** What the engine needs. */
export interface SyncEngineDeps {
  db: Database.Database;
  transport: SyncTransport;
  queries: ReplicaQueries;
  clientId: string;
  replicaId: string;
  organizationId: string;
  /** A valid access token; `force` refreshes first (after the server refused the current one). */
  token: (opts?: { force?: boolean }) => Promise<Result<string>>;
  clock: Clock;
  logger: Logger;
  /** Randomness for backoff jitter (seeded in the simulation). */
  random?: () => number;
  timing?: Partial<EngineTiming>;
  /** Background backfill of the last 90 days (off in tests that count requests). */
  backfill?: boolean;
  onStatus: (s: SyncStatus) => void;
  onChanged: (c: ReplicaChanged) => void;
  onRevoked: (r: Omit<ConversationRevoked, 'reassignedToName'>) => void;
  onPresence?: (p: PresenceChanged) => void;
  /** The server says this user may no longer sync (deactivated): the host signs out. */
  onSessionRevoked: () => void;
  /**
   * Runs over each batch before it is pushed (media uploads, `media/media-uploader.ts`): it may
   * rewrite or refuse mutations (`changed`: the batch is read again) and hold the batch at a
   * mutation that must wait (`hold`: only the ones before it go, then the push backs off).
   */
  beforePush?: (batch: readonly OutboxRow[]) => Promise<{
    hold: number | null;
    error: string | null;
    changed: boolean;
    sum: ApplySummary;
  }>;
}

/** The engine's API. */
export interface SyncEngine {
  /** Starts syncing (connects unless an update is required). */
  start(): void;
  /** Stops timers and the socket; writes nothing. */
  stop(): void;
  /** The outbox store (commands enqueue through it). */
  readonly outbox: OutboxStore;
  /** After a command committed: announce it and push. */
  committed(sum: ApplySummary): void;
  /** The current status. */
  status(): SyncStatus;
  /** Mutation ids sent and not answered yet. */
  inFlight(): ReadonlySet<number>;
  /** A thread page; starts a history fetch when older messages are not held. */
  messages(conversationId: string, beforeConvSeq: number | undefined, limit: number): MessagePage;
  /** The person is using the app (the backfill yields). */
  touch(): void;
  setBackfillPaused(paused: boolean): boolean;
  /** Presence to teammates; false when offline. */
  presence(conversationId: string | null, typing: boolean): boolean;
  /** Resolves when no history fetch, sync lane or push is running (tests, simulation). */
  idle(): Promise<void>;
}

const BUILD: BuildVersions = { protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, mutator: MUTATOR_VERSION };

/** Creates the engine over an open, migrated replica. */
export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const { db, transport, clock, logger } = deps;
  const timing: EngineTiming = { ...DEFAULT_TIMING, ...deps.timing };
  const random = deps.random ?? Math.random;
  const applier = createApplier(db);
  const state = createSyncStateStore(db);
  const outbox = createOutboxStore(db);

  let running = false;
  /** Bumped on every connect/stop; continuations of an older generation do nothing. */
  let generation = 0;
  let conn: 'offline' | 'connecting' | 'connected' = 'offline';
  let hello: Hello | null = null;
  let token = '';
  /** Caught up: live packets are applied as they come; otherwise they are buffered. */
  let live = false;
  let lane: { gen: number; done: Promise<void> } | null = null;
  let catchUpWanted = false;
  let buffer: LivePacket[] = [];
  let offlineSince: number | null = clock.now();
  let lastError: string | null = null;
  let progress: { done: number; total: number } | null = null;
  let updateRequired = state.get().updateRequired;
  let reconnectAttempt = 0;
  let pushAttempt = 0;
  let pushing: { gen: number; done: Promise<void> } | null = null;
  let laneAttempt = 0;
  const inFlight = new Set<number>();
  const timers = new Set<unknown>();
  const history = new Map<string, Promise<void>>();
  const historyErrors = new Map<string, string>();
  let lastActivity = 0;
  let backfillAfter: { sortAt: number; id: string } | null = null;
  let awaitedSeq = 0;
  let lastStatus = '';

  if (updateRequired && JSON.stringify(updateRequired.build) !== JSON.stringify(BUILD)) {
    // A newer build: try again.
    state.setUpdateRequired(null);
    updateRequired = null;
  }

  // ---- timers ---------------------------------------------------------------------------

  /** Logs a failure of background work instead of letting it escape a timer or a promise. */
  const report = (what: string) => (e: unknown) =>
    logger.error(`sync: ${what} failed`, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  const spawn = (what: string, p: Promise<unknown>): void => void p.catch(report(what));
  const after = (ms: number, fn: () => void): unknown => {
    const h = clock.setTimeout(() => {
      timers.delete(h);
      try {
        fn();
      } catch (e) {
        report('timer')(e);
      }
    }, ms);
    timers.add(h);
    return h;
  };
  const cancel = (h: unknown): void => {
    if (h === null || h === undefined) return;
    clock.clearTimeout(h);
    timers.delete(h);
  };
  const backoff = (attempt: number): number => {
    const base = Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** Math.min(attempt, 16));
    return Math.round(base * (0.5 + random() / 2));
  };

  // ---- status and change events -----------------------------------------------------------

  const status = (): SyncStatus => {
    const state: SyncStatus['state'] = updateRequired
      ? 'offline'
      : conn === 'connected'
        ? live
          ? 'online'
          : 'syncing'
        : conn;
    return {
      state,
      offlineSince:
        state === 'offline' && offlineSince !== null ? new Date(offlineSince).toISOString() : null,
      progress: state === 'syncing' ? progress : null,
      outboxSize: outbox.size(),
      lastError: updateRequired ? updateRequired.message : lastError,
      updateRequired: updateRequired !== null,
      failedCount: outbox.failedCount(),
    };
  };
  const emitStatus = (): void => {
    if (!running) return;
    const s = status();
    const key = JSON.stringify(s);
    if (key === lastStatus) return;
    lastStatus = key;
    deps.onStatus(s);
  };

  /** Announces a committed transaction and starts its follow-up work. */
  const announce = (sum: ApplySummary): void => {
    const changed = replicaChanged(sum);
    if (changed) deps.onChanged(changed);
    for (const r of sum.revoked) deps.onRevoked(r);
    if (sum.needHistory.length) {
      hydrateWanted = true;
      for (const id of sum.needHistory) spawn('history', fetchHistory(id, undefined));
    }
    if (sum.groupJoins.length) requestSync();
    if (sum.rechecks.length) spawn('recheck', recheck(generation));
    emitStatus();
  };

  // ---- token ------------------------------------------------------------------------------

  /** Runs an HTTP call with the token, refreshing once when the server refuses it. */
  const withToken = async <T>(call: (t: string) => Promise<T>): Promise<T> => {
    if (!token) {
      const t = await deps.token();
      if (!t.ok) throw new TransportError('unauthorized', t.error.message);
      token = t.value;
    }
    try {
      return await call(token);
    } catch (e) {
      if (!(e instanceof TransportError) || e.code !== 'unauthorized') throw e;
      const t = await deps.token({ force: true });
      if (!t.ok) throw new TransportError('unauthorized', t.error.message);
      token = t.value;
      return call(token);
    }
  };

  // ---- applying ----------------------------------------------------------------------------

  const mine = (p: LivePacket): { results: MutationResult[]; lmid: number } | null => {
    const results = (p.mutationResults ?? []).filter((r) => r.clientId === deps.clientId);
    const lmid = p.lmid?.[deps.clientId];
    if (!results.length && lmid === undefined) return null;
    return { results, lmid: lmid ?? 0 };
  };

  /** Applies log-ordered entries and moves the cursor, all in one transaction. */
  const applyLog = (
    changes: readonly ChangeEntry[],
    cursor: number,
    tenantSeq: number,
    results: { results: readonly MutationResult[]; lmid: number } | null,
  ): void => {
    const sum = emptySummary();
    // Tombstones only guard against snapshots read before them; with none in flight, those the
    // cursor passed can go (in the same transaction, so a crash never splits the two).
    const prune = history.size === 0 && !rechecking;
    db.transaction(() => {
      applier.applyEntries(changes, { kind: 'log' }, sum);
      if (results) outbox.applyResults(results.results, results.lmid, sum);
      state.advance(cursor);
      state.heard(tenantSeq, 0);
      outbox.confirm(state.cursor(), sum);
      if (prune && sum.rechecks.length === 0) state.pruneTombstones(state.cursor());
    })();
    announce(sum);
  };

  /** The live rule of §2.6. Returns false on a gap (the caller pulls). */
  const handleLive = (p: LivePacket): boolean => {
    const cursor = state.cursor();
    if (p.seq <= cursor) return true;
    if (p.prev !== null && p.prev <= cursor) {
      applyLog(p.changes, p.seq, p.tenantSeq, mine(p));
      return true;
    }
    return false;
  };

  // ---- the sync lane ------------------------------------------------------------------------

  const requestSync = (): void => {
    catchUpWanted = true;
    live = false;
    // A lane of an older connection exits at its next check without applying anything.
    if ((!lane || lane.gen !== generation) && conn === 'connected') {
      const mine = { gen: generation, done: Promise.resolve() };
      mine.done = runLane(generation)
        .catch(report('sync lane'))
        .finally(() => {
          if (lane === mine) lane = null;
        });
      lane = mine;
    }
    emitStatus();
  };

  const runLane = async (gen: number): Promise<void> => {
    const current = () => running && conn === 'connected' && gen === generation;
    try {
      while (current()) {
        const st = state.get();
        if (st.bootstrapPhase >= 3 && hello && st.cursor < hello.floorSeq) {
          // The log no longer reaches the cursor (decision 5): re-bootstrap, keeping the outbox.
          db.transaction(() => state.wipeForRebootstrap())();
          announce({
            ...emptySummary(),
            tables: new Set(['conversations', 'messages', 'contacts', 'notes']),
          });
          continue;
        }
        if (st.bootstrapPhase < 3) {
          await bootstrap(st.bootstrapPhase, gen);
          catchUpWanted = true;
          continue;
        }
        const group = st.pendingGroups[0];
        if (group) {
          await partialBootstrap(group, gen);
          continue;
        }
        if (catchUpWanted) {
          catchUpWanted = false;
          await pullUntilCaughtUp(gen);
          continue;
        }
        if (buffer.length) {
          const packets = buffer.sort((a, b) => a.seq - b.seq);
          buffer = [];
          for (let i = 0; i < packets.length; i++) {
            if (!handleLive(packets[i]!)) {
              buffer = packets.slice(i).concat(buffer);
              catchUpWanted = true;
              break;
            }
          }
          continue;
        }
        live = true;
        progress = null;
        lastError = null;
        laneAttempt = 0;
        if (hydrateWanted) spawn('hydrate', hydrate(gen));
        if (st.rechecks.length) spawn('recheck', recheck(gen));
        break;
      }
    } catch (e) {
      if (!current()) return;
      lastError = describe(e, 'Sync failed');
      logger.warn('sync: lane failed; retrying', { error: String(e) });
      after(backoff(laneAttempt++), () => {
        if (current()) requestSync();
      });
    } finally {
      emitStatus();
      if (current() && live) scheduleBackfill(timing.backfillStepMs);
    }
  };

  const pullUntilCaughtUp = async (gen: number): Promise<void> => {
    const start = state.cursor();
    const fetchPage = (cursor: number, lmid: number): ReturnType<SyncTransport['pull']> =>
      withToken((t) => transport.pull({ cursor, limit: timing.pullLimit, clientId: deps.clientId, lmid }, t));
    /** The next page, asked for while the previous one was applied, and what it was asked from. */
    let next: { cursor: number; lmid: number; page: ReturnType<typeof fetchPage> } | null = null;
    for (;;) {
      const st = state.get();
      // A prefetched page is used only if it starts exactly where the replica now stands.
      const prefetched: ReturnType<SyncTransport['pull']> | null =
        next && next.cursor === st.cursor && next.lmid === st.lmid ? next.page : null;
      next = null;
      const res: Awaited<ReturnType<SyncTransport['pull']>> = await (prefetched ??
        fetchPage(st.cursor, st.lmid));
      if (gen !== generation) return;
      if ('mustRebootstrap' in res) {
        db.transaction(() => {
          state.heard(res.tenantSeq, res.floorSeq);
          state.wipeForRebootstrap();
        })();
        announce({ ...emptySummary(), tables: new Set(['conversations', 'messages', 'contacts', 'notes']) });
        return;
      }
      // Ask for the next page before applying this one: the server reads it (and the wire
      // carries it) while this thread writes SQLite, instead of one waiting for the other.
      if (res.hasMore) {
        const page = fetchPage(res.nextCursor, Math.max(st.lmid, res.lmid));
        page.catch(() => undefined); // awaited (and its error handled) on the next turn, or dropped
        next = { cursor: res.nextCursor, lmid: Math.max(st.lmid, res.lmid), page };
      }
      applyLog(res.changes, res.nextCursor, res.tenantSeq, { results: res.mutationResults, lmid: res.lmid });
      progress = { done: Math.max(0, res.nextCursor - start), total: Math.max(0, res.tenantSeq - start) };
      emitStatus();
      if (!res.hasMore) return;
    }
  };

  /** Applies a snapshot chunk (bootstrap lines) in one transaction. */
  const applySnapshot = (
    puts: PutEntry[],
    floors: { conversationId: string; convSeq: number }[],
    snapshotSeq: number,
  ) => {
    const sum = emptySummary();
    db.transaction(() => {
      applier.applyEntries(puts, { kind: 'snapshot', snapshotSeq, current: true }, sum);
      for (const f of floors)
        if (
          applier.hasConversation(f.conversationId) &&
          !applier.isRevokedAfter(f.conversationId, snapshotSeq)
        )
          applier.lowerFloor(f.conversationId, f.convSeq);
    })();
    // A bootstrap chunk touches many conversations: the UI re-queries what it shows.
    sum.conversationIds.clear();
    announce(sum);
  };

  /** Streams one bootstrap request; returns its checked trailer. */
  const stream = async (
    q: { phase: number; group?: string },
    snapshotFloor: number,
    gen: number,
  ): Promise<BootstrapTrailer> => {
    const counts: Record<string, number> = {};
    let trailer: BootstrapTrailer | null = null;
    await withToken((t) =>
      transport.bootstrap(q, t, (lines) => {
        if (gen !== generation) throw new TransportError('closed', 'The connection changed.');
        const puts: PutEntry[] = [];
        const floors: { conversationId: string; convSeq: number }[] = [];
        for (const l of lines) {
          if ('snapshotSeq' in l) trailer = l;
          else if ('floor' in l) floors.push(l.floor);
          else {
            puts.push(l);
            counts[l.e] = (counts[l.e] ?? 0) + 1;
          }
        }
        applySnapshot(puts, floors, snapshotFloor);
      }),
    );
    const t = trailer as BootstrapTrailer | null;
    if (!t) throw new TransportError('bad_response', 'The bootstrap stream ended early.');
    for (const [e, n] of Object.entries(t.counts))
      if ((counts[e] ?? 0) !== n)
        throw new TransportError('bad_response', `Bootstrap counts differ for ${e}.`);
    return t;
  };

  const bootstrap = async (fromPhase: number, gen: number): Promise<void> => {
    for (let phase = fromPhase; phase <= 2; phase++) {
      progress = { done: phase, total: 3 };
      emitStatus();
      // No revoke can be applied while the lane runs, and a fresh or wiped replica has no
      // tombstones: nothing the snapshot brings can be older than a revoke seen here.
      const t = await stream({ phase }, Number.MAX_SAFE_INTEGER, gen);
      if (gen !== generation) return;
      db.transaction(() => state.completePhase(phase, t.snapshotSeq))();
    }
  };

  const partialBootstrap = async (group: string, gen: number): Promise<void> => {
    await stream({ phase: 1, group }, state.cursor(), gen);
    if (gen !== generation) return;
    db.transaction(() => state.groupDone(group))();
  };

  // ---- history and backfill --------------------------------------------------------------------

  const fetchHistory = (conversationId: string, beforeConvSeq: number | undefined): Promise<void> => {
    const running = history.get(conversationId);
    if (running) return running;
    const gen = generation;
    const p = (async () => {
      try {
        const res = await withToken((t) =>
          transport.history({ conversationId, beforeConvSeq, limit: SYNC_LIMITS.historyDefault }, t),
        );
        if (gen !== generation) return;
        historyErrors.delete(conversationId);
        if (!res) return;
        const sum = emptySummary();
        db.transaction(() => {
          if (
            !applier.hasConversation(conversationId) ||
            applier.isRevokedAfter(conversationId, res.snapshotSeq)
          )
            return;
          const floor = applier.floor(conversationId);
          applier.applyEntries(res.changes, { kind: 'snapshot', snapshotSeq: res.snapshotSeq }, sum);
          const contiguous = beforeConvSeq === undefined || (floor !== null && beforeConvSeq <= floor);
          if (!contiguous) return;
          if (!res.hasMore) applier.lowerFloor(conversationId, 1);
          else if (res.lowestConvSeq !== null) applier.lowerFloor(conversationId, res.lowestConvSeq);
          sum.tables.add('messages');
        })();
        sum.conversationIds.add(conversationId);
        announce(sum);
      } catch (e) {
        if (gen !== generation) return;
        historyErrors.set(conversationId, describe(e, 'Older messages could not be loaded'));
        announce({
          ...emptySummary(),
          tables: new Set(['messages']),
          conversationIds: new Set([conversationId]),
        });
      }
    })().finally(() => history.delete(conversationId));
    history.set(conversationId, p);
    return p;
  };

  /**
   * Self-repair: conversations whose contact never arrived (a grant pointer or a hydrate fetch
   * that failed) get their newest history page again, with backoff, until they are whole.
   */
  let hydrateWanted = true;
  let hydrateAttempt = 0;
  const missingContact = db
    .prepare(
      `SELECT c.id FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM contacts ct WHERE ct.id = c.contact_id) LIMIT 20`,
    )
    .pluck();
  const hydrate = async (gen: number): Promise<void> => {
    hydrateWanted = false;
    const ids = missingContact.all() as string[];
    for (const id of ids) await fetchHistory(id, undefined);
    if (gen !== generation || !ids.length) return;
    if (ids.some((id) => historyErrors.has(id)) || missingContact.all().length) {
      hydrateWanted = true;
      after(backoff(hydrateAttempt++), () => {
        if (gen === generation && live) spawn('hydrate', hydrate(gen));
      });
    } else hydrateAttempt = 0;
  };

  /** Re-checks conversations dropped on a group_leave (see the applier): re-added if visible. */
  let rechecking = false;
  let recheckAttempt = 0;
  const recheck = async (gen: number): Promise<void> => {
    if (rechecking) return;
    rechecking = true;
    try {
      for (;;) {
        const id = state.get().rechecks[0];
        if (!id || gen !== generation || !running) return;
        const res = await withToken((t) =>
          transport.history({ conversationId: id, limit: SYNC_LIMITS.historyDefault }, t),
        );
        if (gen !== generation) return;
        const sum = emptySummary();
        db.transaction(() => {
          if (res && !applier.isRevokedAfter(id, res.snapshotSeq)) {
            applier.applyEntries(res.changes, { kind: 'snapshot', snapshotSeq: res.snapshotSeq }, sum);
            if (applier.hasConversation(id)) {
              if (!res.hasMore) applier.lowerFloor(id, 1);
              else if (res.lowestConvSeq !== null) applier.lowerFloor(id, res.lowestConvSeq);
            }
          }
          state.recheckDone(id);
        })();
        recheckAttempt = 0;
        announce(sum);
      }
    } catch (e) {
      if (gen !== generation) return;
      logger.warn('sync: re-check failed; retrying', { error: String(e) });
      after(backoff(recheckAttempt++), () => {
        if (gen === generation && live) spawn('recheck', recheck(gen));
      });
    } finally {
      rechecking = false;
    }
  };

  const backfillNext = db.prepare(
    `SELECT id, sort_at FROM conversations WHERE sort_at >= ? AND (sort_at, id) < (?, ?)
     ORDER BY sort_at DESC, id DESC LIMIT 20`,
  );
  const oldestHeld = db
    .prepare(
      `SELECT json_extract(row, '$.createdAt') FROM messages WHERE conversation_id = ? ORDER BY conv_seq LIMIT 1`,
    )
    .pluck();
  let backfillTimer: unknown = null;

  const scheduleBackfill = (ms: number): void => {
    if (deps.backfill === false || backfillTimer !== null) return;
    backfillTimer = after(ms, () => {
      backfillTimer = null;
      spawn('backfill', backfillStep());
    });
  };

  /** One page of background history: yields to the person, to other fetches and to the lane. */
  const backfillStep = async (): Promise<void> => {
    if (!running || conn !== 'connected' || !live || state.get().backfillPaused) return;
    const now = clock.now();
    if (now - lastActivity < timing.backfillIdleMs || history.size > 0) {
      scheduleBackfill(timing.backfillIdleMs);
      return;
    }
    const horizon = now - SYNC_LIMITS.backfillDays * 86_400_000;
    const horizonIso = new Date(horizon).toISOString();
    for (;;) {
      const pos = backfillAfter ?? { sortAt: Number.MAX_SAFE_INTEGER, id: '' };
      const rows = backfillNext.all(horizon, pos.sortAt, pos.id) as { id: string; sort_at: number }[];
      if (rows.length === 0) return; // done until the next restart or reconnect
      for (const r of rows) {
        backfillAfter = { sortAt: r.sort_at, id: r.id };
        const floor = applier.floor(r.id);
        if (floor === 1) continue;
        const oldest = oldestHeld.get(r.id) as string | undefined;
        if (floor !== null && oldest !== undefined && oldest < horizonIso) continue;
        await fetchHistory(r.id, floor ?? undefined);
        // Revisit this conversation next step while its floor moves; skip it on an error or
        // when a page brought nothing new.
        const moved = applier.floor(r.id) !== floor && !historyErrors.has(r.id);
        if (moved) backfillAfter = { sortAt: r.sort_at, id: `${r.id}\u0000` };
        scheduleBackfill(timing.backfillStepMs);
        return;
      }
    }
  };

  // ---- push -----------------------------------------------------------------------------------

  let pushTimer: unknown = null;

  const kickPush = (immediate: boolean): void => {
    if (immediate) {
      pushAttempt = 0;
      cancel(pushTimer);
      pushTimer = null;
    }
    if ((pushing && pushing.gen === generation) || pushTimer !== null) return;
    const mine = { gen: generation, done: Promise.resolve() };
    mine.done = pushLoop()
      .catch(report('push'))
      .finally(() => {
        if (pushing === mine) pushing = null;
      });
    pushing = mine;
  };

  const retryPush = (hintMs?: number): void => {
    const delay = Math.max(hintMs ?? 0, backoff(pushAttempt++));
    cancel(pushTimer);
    pushTimer = after(delay, () => {
      pushTimer = null;
      kickPush(false);
    });
  };

  const pushLoop = async (): Promise<void> => {
    const gen = generation;
    const current = () =>
      running && conn === 'connected' && hello !== null && gen === generation && !updateRequired;
    while (current()) {
      let batch = outbox.nextBatch(SYNC_LIMITS.pushBatchMax);
      if (batch.length === 0) return;
      let held: string | null = null;
      if (deps.beforePush) {
        const prep = await deps.beforePush(batch);
        if (!current()) return;
        announce(prep.sum);
        if (prep.changed) batch = outbox.nextBatch(SYNC_LIMITS.pushBatchMax);
        if (prep.hold !== null) {
          const hold = prep.hold;
          batch = batch.filter((b) => b.mutationId < hold);
          held = prep.error ?? 'Waiting to upload a file';
        }
        if (batch.length === 0) {
          if (held === null) continue;
          lastError = held;
          retryPush();
          emitStatus();
          return;
        }
      }
      const mids = batch.map((b) => b.mutationId);
      outbox.markAttempt(mids);
      for (const m of mids) inFlight.add(m);
      emitStatus();
      let ack;
      try {
        ack = await transport.push(
          { mutations: batch.map((b) => outbox.toWire(b, deps.clientId)) },
          timing.pushTimeoutMs,
        );
      } catch (e) {
        if (gen === generation) {
          lastError = describe(e, 'Could not send changes');
          retryPush();
        }
        return;
      } finally {
        for (const m of mids) inFlight.delete(m);
      }
      if (gen !== generation) return;
      if (!ack.ok) {
        lastError = ack.error.message;
        retryPush(ack.error.retryAfterMs);
        emitStatus();
        return;
      }
      const sum = emptySummary();
      const results = ack.results;
      db.transaction(() => {
        outbox.applyResults(results, ack.lmid, sum);
        outbox.confirm(state.cursor(), sum);
      })();
      announce(sum);
      if (ack.seq > state.cursor()) awaitCursor(ack.seq);
      if (held !== null) {
        lastError = held;
        retryPush();
        emitStatus();
        return;
      }
      pushAttempt = 0;
    }
  };

  /** The cursor must reach an ack's seq for confirmation; if no packet brings it there soon, pull. */
  const awaitCursor = (seq: number): void => {
    if (seq <= awaitedSeq) return;
    awaitedSeq = seq;
    const gen = generation;
    after(timing.ackCatchUpMs, () => {
      if (gen === generation && running && conn === 'connected' && state.cursor() < seq) requestSync();
    });
  };

  // ---- connection ------------------------------------------------------------------------------

  let reconnectTimer: unknown = null;
  let reportTimer: unknown = null;
  let watchdog: unknown = null;

  /** Re-arms the silence watchdog after every frame from the server. */
  const heard = (): void => {
    cancel(watchdog);
    const gen = generation;
    watchdog = after(timing.silenceMs, () => {
      watchdog = null;
      if (gen !== generation || conn !== 'connected') return;
      logger.warn('sync: the server went silent; reconnecting');
      generation += 1;
      transport.disconnect();
      goOffline('The connection went silent.');
      scheduleReconnect();
    });
  };

  const scheduleReconnect = (): void => {
    if (!running || updateRequired || reconnectTimer !== null) return;
    reconnectTimer = after(backoff(reconnectAttempt++), () => {
      reconnectTimer = null;
      spawn('connect', connect());
    });
  };

  const goOffline = (message: string | null): void => {
    conn = 'offline';
    live = false;
    hello = null;
    buffer = [];
    offlineSince ??= clock.now();
    if (message) lastError = message;
    cancel(reportTimer);
    reportTimer = null;
    cancel(watchdog);
    watchdog = null;
    emitStatus();
  };

  const scheduleReport = (): void => {
    reportTimer = after(SYNC_LIMITS.reportIntervalMs, () => {
      if (conn !== 'connected') return;
      const st = state.get();
      transport.report({ cursor: st.cursor, lmid: st.lmid, outboxSize: outbox.size() });
      if (running) spawn('token renewal', renewToken());
      scheduleReport();
    });
  };

  /** Keeps the socket's token fresh (the session manager refreshes it before expiry). */
  const renewToken = async (): Promise<void> => {
    const t = await deps.token();
    if (!t.ok || t.value === token || conn !== 'connected') return;
    token = t.value;
    try {
      await transport.renewAuth(token, timing.pushTimeoutMs);
    } catch {
      // The server disconnects an expired socket; the reconnect uses the new token.
    }
  };

  const guard =
    <A extends unknown[]>(gen: number, fn: (...a: A) => void) =>
    (...a: A): void => {
      if (gen !== generation || !running) return;
      try {
        fn(...a);
      } catch (e) {
        logger.error('sync: event handler failed', { error: e instanceof Error ? e.stack : String(e) });
      }
    };

  const connect = async (): Promise<void> => {
    if (!running || updateRequired || conn !== 'offline') return;
    const gen = ++generation;
    conn = 'connecting';
    emitStatus();
    const t = await deps.token();
    if (gen !== generation || !running) return;
    if (!t.ok) {
      goOffline(t.error.message);
      scheduleReconnect();
      return;
    }
    token = t.value;
    const st = state.get();
    const events: TransportEvents = {
      hello: guard(gen, (h) => {
        heard();
        conn = 'connected';
        hello = h;
        reconnectAttempt = 0;
        offlineSince = null;
        lastError = null;
        db.transaction(() => state.heard(h.tenantSeq, h.floorSeq))();
        buffer = [];
        // A self-repair the previous connection cut short (its answer dropped) resumes once live.
        hydrateWanted = true;
        requestSync();
        kickPush(true);
        scheduleReport();
      }),
      changes: guard(gen, (p) => {
        if (conn !== 'connected') return;
        heard();
        // `live` is false from requestSync until the lane has drained the buffer.
        if (!live) {
          buffer.push(p);
          if (buffer.length > timing.maxBuffered) buffer = [];
          return;
        }
        if (!handleLive(p)) requestSync();
        reviveRetries();
      }),
      tick: guard(gen, (t) => {
        if (conn !== 'connected') return;
        heard();
        if (t.seq > state.cursor()) requestSync();
        reviveRetries();
      }),
      updateRequired: guard(gen, (u) => requireUpdate(u)),
      viewing: guard(gen, (p) =>
        deps.onPresence?.({ conversationId: p.conversationId, userId: p.userId, viewing: p.viewing }),
      ),
      typing: guard(gen, (p) =>
        deps.onPresence?.({ conversationId: p.conversationId, userId: p.userId, typing: p.typing }),
      ),
      disconnected: guard(gen, (reason) => {
        goOffline(conn === 'connected' ? null : reason);
        scheduleReconnect();
      }),
      connectFailed: guard(gen, (rej, message) => {
        goOffline(rej?.message ?? message);
        switch (rej?.code) {
          case 'session_revoked':
            deps.onSessionRevoked();
            return;
          case 'update_required':
            requireUpdate({
              reason: 'schema',
              message: rej.message,
              schemaRange: rej.schemaRange ?? { min: SCHEMA_VERSION + 1, max: SCHEMA_VERSION + 1 },
            });
            return;
          case 'unauthorized':
          case 'token_expired':
            spawn(
              'token refresh',
              deps.token({ force: true }).then(() => scheduleReconnect()),
            );
            return;
          default:
            scheduleReconnect();
        }
      }),
    };
    transport.connect(
      {
        token,
        organizationId: deps.organizationId,
        replicaId: deps.replicaId,
        clientId: deps.clientId,
        protocol: PROTOCOL_VERSION,
        schema: SCHEMA_VERSION,
        cursor: st.cursor,
        lastMutationId: st.lmid,
      },
      events,
    );
  };

  /**
   * Any frame from the server proves the path works again: a push waiting out its backoff goes
   * now, so queued writes drain within a tick of a network heal instead of up to 30 s later.
   */
  const reviveRetries = (): void => {
    if (pushTimer !== null) kickPush(true);
  };

  /** The server needs a newer build: stop syncing, keep everything, say so. */
  const requireUpdate = (u: UpdateRequired): void => {
    updateRequired = { ...u, build: BUILD };
    state.setUpdateRequired(updateRequired);
    generation += 1;
    transport.disconnect();
    conn = 'offline';
    live = false;
    emitStatus();
  };

  return {
    outbox,

    start() {
      if (running) return;
      running = true;
      lastStatus = '';
      // connect() sets `connecting` before its first await; the status then says so at once.
      spawn('connect', connect());
      emitStatus();
    },

    stop() {
      if (!running) return;
      running = false;
      generation += 1;
      for (const h of [...timers]) cancel(h);
      backfillTimer = null;
      pushTimer = null;
      reconnectTimer = null;
      reportTimer = null;
      transport.disconnect();
      conn = 'offline';
      live = false;
    },

    committed(sum) {
      announce(sum);
      if (conn === 'connected') kickPush(false);
    },

    status,
    inFlight: () => inFlight,

    messages(conversationId, beforeConvSeq, limit) {
      lastActivity = clock.now();
      const r = deps.queries.messages(conversationId, beforeConvSeq, limit);
      let hasOlder: boolean;
      if (r.full) {
        hasOlder = (r.lowest ?? 1) > 1;
      } else if (r.floor === 1) {
        hasOlder = false;
      } else {
        hasOlder = true;
        if (running && applier.hasConversation(conversationId)) {
          spawn('history', fetchHistory(conversationId, r.floor === null ? undefined : r.floor));
        }
      }
      return {
        items: r.items,
        hasOlder,
        loadingOlder: history.has(conversationId),
        historyError: historyErrors.get(conversationId) ?? null,
        nextBeforeConvSeq: hasOlder ? (r.lowest ?? beforeConvSeq ?? null) : null,
      };
    },

    touch() {
      lastActivity = clock.now();
    },

    setBackfillPaused(paused) {
      state.setBackfillPaused(paused);
      if (!paused) {
        backfillAfter = null;
        scheduleBackfill(timing.backfillStepMs);
      }
      return paused;
    },

    presence(conversationId, typing) {
      if (conn !== 'connected' || !conversationId) {
        return conn === 'connected' ? transport.presence({ conversationId: null }, null) : false;
      }
      return transport.presence({ conversationId }, { conversationId, typing });
    },

    async idle() {
      for (;;) {
        const busy = [lane?.done, pushing?.done, ...history.values()].filter(
          (p): p is Promise<void> => p !== undefined,
        );
        if (busy.length === 0) return;
        await Promise.allSettled(busy);
      }
    },
  };
}

/** A sentence for the status line from an error. */
function describe(e: unknown, fallback: string): string {
  if (e instanceof TransportError) {
    switch (e.code) {
      case 'network':
      case 'timeout':
      case 'closed':
        return `${fallback}: the server is not reachable.`;
      case 'unauthorized':
        return `${fallback}: the session was refused.`;
      default:
        return `${fallback}: ${e.message}`;
    }
  }
  return fallback;
}
