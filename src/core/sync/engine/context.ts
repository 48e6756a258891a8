import type Database from 'better-sqlite3';
import type {
  ConversationRevoked,
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
  type Hello,
  type LivePacket,
} from '#contract/sync/protocol';
import type { Clock, Logger } from '../../deps';
import { createOutboxStore, type OutboxRow, type OutboxStore } from '../../outbox/outbox-store';
import type { ReplicaQueries } from '../../replica/queries';
import { createApplier, type Applier, type ApplySummary } from '../apply/apply';
import { createSyncStateStore, type BuildVersions, type SyncState, type SyncStateStore } from '../sync-state';
import { TransportError, type SyncTransport } from '../transport';

/**
 * What every part of the sync engine shares (`engine.ts` composes the parts): the deps, the
 * stores over the replica, ONE mutable {@link EngineState}, and the helpers for timers, backoff,
 * the status line and the access token. The parts (`connection`, `lane`, `bootstrap`, `push`,
 * `history`, `backfill`) read and write that state object directly; it is the whole of the
 * engine's memory, and nothing in it is durable (a restarted engine continues from `sync_state`
 * and the outbox).
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

/** This build's versions, stored with an update_required so that a newer build retries. */
export const BUILD: BuildVersions = {
  protocol: PROTOCOL_VERSION,
  schema: SCHEMA_VERSION,
  mutator: MUTATOR_VERSION,
};

/** A running piece of async work, tagged with the connection generation that started it. */
export interface Task {
  gen: number;
  done: Promise<void>;
}

/** The engine's memory: one object, read and written by every part. */
export interface EngineState {
  /** Between `start()` and `stop()`. */
  running: boolean;
  /** Bumped on every connect, drop and stop; continuations of an older generation do nothing. */
  generation: number;
  conn: 'offline' | 'connecting' | 'connected';
  /** The server's greeting on the current connection. */
  hello: Hello | null;
  /** The access token last used (refreshed once on a 401). */
  token: string;
  /** Caught up: live packets are applied as they come; otherwise the lane buffers them. */
  live: boolean;
  offlineSince: number | null;
  lastError: string | null;
  progress: { done: number; total: number } | null;
  updateRequired: SyncState['updateRequired'];
  /** The last status emitted (JSON), so that an unchanged status is not sent again. */
  lastStatus: string;
  /** Every armed timer; `stop()` cancels them all. */
  timers: Set<unknown>;
  /** The sync lane (`lane.ts`): one task at a time, and the live packets it holds back. */
  lane: { task: Task | null; catchUpWanted: boolean; buffer: LivePacket[]; attempt: number };
  /** The push loop (`push.ts`). */
  push: {
    task: Task | null;
    /** A retry waiting out its backoff. */
    timer: unknown;
    attempt: number;
    /** Mutation ids sent and not answered yet. */
    inFlight: Set<number>;
    /** The highest ack seq the cursor is being watched for. */
    awaitedSeq: number;
  };
  /** Lazy history, self-repair and re-checks (`history.ts`). */
  history: {
    /** History fetches running, by conversation (one at a time each). */
    fetching: Map<string, Promise<void>>;
    /** The last fetch error by conversation, shown in the thread. */
    errors: Map<string, string>;
    hydrateWanted: boolean;
    hydrateAttempt: number;
    rechecking: boolean;
    recheckAttempt: number;
  };
  /** The background backfill (`backfill.ts`). */
  backfill: {
    timer: unknown;
    /** The keyset position of the walk over conversations (newest first). */
    after: { sortAt: number; id: string } | null;
    /** When the person last read or typed (the backfill yields to them). */
    lastActivity: number;
  };
  /** The socket's timers (`connection.ts`). */
  connection: { reconnectAttempt: number; reconnectTimer: unknown; reportTimer: unknown; watchdog: unknown };
}

/** The shared context handed to every part of the engine. */
export interface EngineContext {
  deps: SyncEngineDeps;
  db: Database.Database;
  transport: SyncTransport;
  clock: Clock;
  logger: Logger;
  timing: EngineTiming;
  applier: Applier;
  /** The durable `sync_state` row. */
  syncState: SyncStateStore;
  outbox: OutboxStore;
  /** The engine's memory. */
  state: EngineState;
  /** Logs a failure of background work instead of letting it escape a timer or a promise. */
  report(what: string): (e: unknown) => void;
  /** Runs background work whose failure is only logged. */
  spawn(what: string, p: Promise<unknown>): void;
  /** Arms a timer that `stop()` cancels; returns its handle. */
  after(ms: number, fn: () => void): unknown;
  /** Cancels a timer (null-safe). */
  cancel(h: unknown): void;
  /** The jittered exponential delay for a retry. */
  backoff(attempt: number): number;
  /** The status as it stands. */
  status(): SyncStatus;
  /** Sends the status to the host when it changed. */
  emitStatus(): void;
  /** Runs an HTTP call with the token, refreshing it once when the server refuses it. */
  withToken<T>(call: (token: string) => Promise<T>): Promise<T>;
}

/** Builds the context over an open, migrated replica (the state starts offline). */
export function createEngineContext(deps: SyncEngineDeps): EngineContext {
  const { db, clock, logger } = deps;
  const timing: EngineTiming = { ...DEFAULT_TIMING, ...deps.timing };
  const random = deps.random ?? Math.random;
  const applier = createApplier(db);
  const syncState = createSyncStateStore(db);
  const outbox = createOutboxStore(db);

  let updateRequired = syncState.get().updateRequired;
  if (updateRequired && JSON.stringify(updateRequired.build) !== JSON.stringify(BUILD)) {
    // A newer build: try again.
    syncState.setUpdateRequired(null);
    updateRequired = null;
  }

  const state: EngineState = {
    running: false,
    generation: 0,
    conn: 'offline',
    hello: null,
    token: '',
    live: false,
    offlineSince: clock.now(),
    lastError: null,
    progress: null,
    updateRequired,
    lastStatus: '',
    timers: new Set(),
    lane: { task: null, catchUpWanted: false, buffer: [], attempt: 0 },
    push: { task: null, timer: null, attempt: 0, inFlight: new Set(), awaitedSeq: 0 },
    history: {
      fetching: new Map(),
      errors: new Map(),
      hydrateWanted: true,
      hydrateAttempt: 0,
      rechecking: false,
      recheckAttempt: 0,
    },
    backfill: { timer: null, after: null, lastActivity: 0 },
    connection: { reconnectAttempt: 0, reconnectTimer: null, reportTimer: null, watchdog: null },
  };

  const report =
    (what: string) =>
    (e: unknown): void =>
      logger.error(`sync: ${what} failed`, {
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });

  const cancel = (h: unknown): void => {
    if (h === null || h === undefined) return;
    clock.clearTimeout(h);
    state.timers.delete(h);
  };

  const status = (): SyncStatus => {
    const s: SyncStatus['state'] = state.updateRequired
      ? 'offline'
      : state.conn === 'connected'
        ? state.live
          ? 'online'
          : 'syncing'
        : state.conn;
    return {
      state: s,
      offlineSince:
        s === 'offline' && state.offlineSince !== null ? new Date(state.offlineSince).toISOString() : null,
      progress: s === 'syncing' ? state.progress : null,
      outboxSize: outbox.size(),
      lastError: state.updateRequired ? state.updateRequired.message : state.lastError,
      updateRequired: state.updateRequired !== null,
      failedCount: outbox.failedCount(),
    };
  };

  return {
    deps,
    db,
    transport: deps.transport,
    clock,
    logger,
    timing,
    applier,
    syncState,
    outbox,
    state,
    report,
    spawn: (what, p) => void p.catch(report(what)),
    after(ms, fn) {
      const h = clock.setTimeout(() => {
        state.timers.delete(h);
        try {
          fn();
        } catch (e) {
          report('timer')(e);
        }
      }, ms);
      state.timers.add(h);
      return h;
    },
    cancel,
    backoff(attempt) {
      const base = Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** Math.min(attempt, 16));
      return Math.round(base * (0.5 + random() / 2));
    },
    status,
    emitStatus() {
      if (!state.running) return;
      const s = status();
      const key = JSON.stringify(s);
      if (key === state.lastStatus) return;
      state.lastStatus = key;
      deps.onStatus(s);
    },
    async withToken(call) {
      if (!state.token) {
        const t = await deps.token();
        if (!t.ok) throw new TransportError('unauthorized', t.error.message);
        state.token = t.value;
      }
      try {
        return await call(state.token);
      } catch (e) {
        if (!(e instanceof TransportError) || e.code !== 'unauthorized') throw e;
        const t = await deps.token({ force: true });
        if (!t.ok) throw new TransportError('unauthorized', t.error.message);
        state.token = t.value;
        return call(state.token);
      }
    },
  };
}

/** A sentence for the status line from an error. */
export function describe(e: unknown, fallback: string): string {
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
