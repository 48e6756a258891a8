import type { MessagePage, SyncStatus } from '#contract/ipc/contract';
import type { OutboxStore } from '../../outbox/outbox-store';
import type { ApplySummary } from '../apply/apply';
import { replicaChanged } from '../message-spans';
import { createBackfill } from './backfill';
import { createConnection } from './connection';
import { createEngineContext, type SyncEngineDeps } from './context';
import { createHistory } from './history';
import { createLane } from './lane';
import { createPush } from './push';

export type { EngineTiming, SyncEngineDeps } from './context';

/**
 * The sync engine (design/sync-protocol.md §2.4–2.11): one per replica. This file is the
 * coordinator; the parts beside it share one context with one state object (`context.ts`):
 *
 * - `connection.ts`: the socket's life (connect, handshake, reconnect with backoff, silence
 *   watchdog, lag reports, token renewal, update_required, presence);
 * - `lane.ts` (+ `bootstrap.ts`): the ordered sync lane — bootstrap, partial bootstraps after a
 *   group join, cursor pulls, and the buffered live packets, strictly one at a time;
 * - `push.ts`: the outbox in id order, batches ≤ 100, exponential backoff ≤ 30 s, immediate retry
 *   on reconnect;
 * - `history.ts`: lazy history with per-conversation floors, self-repair, re-checks;
 *   `backfill.ts`: the background backfill.
 *
 * Every apply is ONE SQLite transaction that moves the data, the cursor, the mutation results
 * and the confirmations together, so a crash at any statement leaves the replica before or
 * after it. Nothing durable lives in memory: a restarted engine continues from `sync_state` and
 * the outbox.
 */

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

/** Creates the engine over an open, migrated replica. */
export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const ctx = createEngineContext(deps);
  const { state } = ctx;

  /** Announces a committed transaction and starts its follow-up work. */
  const announce = (sum: ApplySummary): void => {
    const changed = replicaChanged(sum);
    if (changed) deps.onChanged(changed);
    for (const r of sum.revoked) deps.onRevoked(r);
    if (sum.needHistory.length) {
      state.history.hydrateWanted = true;
      for (const id of sum.needHistory) ctx.spawn('history', history.fetch(id, undefined));
    }
    if (sum.groupJoins.length) lane.requestSync();
    if (sum.rechecks.length) ctx.spawn('recheck', history.recheck(state.generation));
    ctx.emitStatus();
  };

  const history = createHistory(ctx, { announce });
  const backfill = createBackfill(ctx, { history });
  const lane = createLane(ctx, { announce, history, scheduleBackfill: backfill.schedule });
  const push = createPush(ctx, { announce, requestSync: lane.requestSync });
  const connection = createConnection(ctx, { lane, push });

  return {
    outbox: ctx.outbox,

    start() {
      if (state.running) return;
      state.running = true;
      state.lastStatus = '';
      // connect() sets `connecting` before its first await; the status then says so at once.
      ctx.spawn('connect', connection.connect());
      ctx.emitStatus();
    },

    stop() {
      if (!state.running) return;
      state.running = false;
      state.generation += 1;
      for (const h of [...state.timers]) ctx.cancel(h);
      state.backfill.timer = null;
      state.push.timer = null;
      state.connection.reconnectTimer = null;
      state.connection.reportTimer = null;
      ctx.transport.disconnect();
      state.conn = 'offline';
      state.live = false;
    },

    committed(sum) {
      announce(sum);
      if (state.conn === 'connected') push.kick(false);
    },

    status: ctx.status,
    inFlight: () => state.push.inFlight,

    messages(conversationId, beforeConvSeq, limit) {
      state.backfill.lastActivity = ctx.clock.now();
      return history.page(conversationId, beforeConvSeq, limit);
    },

    touch() {
      state.backfill.lastActivity = ctx.clock.now();
    },

    setBackfillPaused: backfill.setPaused,
    presence: connection.presence,

    async idle() {
      for (;;) {
        const busy = [
          state.lane.task?.done,
          state.push.task?.done,
          ...state.history.fetching.values(),
        ].filter((p): p is Promise<void> => p !== undefined);
        if (busy.length === 0) return;
        await Promise.allSettled(busy);
      }
    },
  };
}
