import { PROTOCOL_VERSION, SCHEMA_VERSION, SYNC_LIMITS, type UpdateRequired } from '#contract/sync/protocol';
import type { TransportEvents } from '../transport';
import { BUILD, type EngineContext } from './context';
import type { Lane } from './lane';
import type { Push } from './push';

/**
 * The socket's life (design/sync-protocol.md §2.4, §2.12–2.13): connect with the handshake,
 * route the server's frames to the lane and the push loop, reconnect with jittered exponential
 * backoff, replace a socket that went silent (half-open), report lag and renew the token every
 * 30 s, and stop for good on `update_required` or a revoked session. Every connection gets a new
 * generation; events of an older one are ignored.
 */

/** What the connection needs from the rest of the engine. */
export interface ConnectionLinks {
  lane: Pick<Lane, 'requestSync' | 'receive'>;
  push: Pick<Push, 'kick' | 'revive'>;
}

/** Builds the connection part over the shared context. */
export function createConnection(ctx: EngineContext, links: ConnectionLinks) {
  const { db, transport, syncState, timing, state, logger } = ctx;
  const c = state.connection;
  const { lane, push } = links;

  /** Re-arms the silence watchdog after every frame from the server. */
  const heard = (): void => {
    ctx.cancel(c.watchdog);
    const gen = state.generation;
    c.watchdog = ctx.after(timing.silenceMs, () => {
      c.watchdog = null;
      if (gen !== state.generation || state.conn !== 'connected') return;
      logger.warn('sync: the server went silent; reconnecting');
      state.generation += 1;
      transport.disconnect();
      goOffline('The connection went silent.');
      scheduleReconnect();
    });
  };

  const scheduleReconnect = (): void => {
    if (!state.running || state.updateRequired || c.reconnectTimer !== null) return;
    c.reconnectTimer = ctx.after(ctx.backoff(c.reconnectAttempt++), () => {
      c.reconnectTimer = null;
      ctx.spawn('connect', connect());
    });
  };

  const goOffline = (message: string | null): void => {
    state.conn = 'offline';
    state.live = false;
    state.hello = null;
    state.lane.buffer = [];
    state.offlineSince ??= ctx.clock.now();
    if (message) state.lastError = message;
    ctx.cancel(c.reportTimer);
    c.reportTimer = null;
    ctx.cancel(c.watchdog);
    c.watchdog = null;
    ctx.emitStatus();
  };

  const scheduleReport = (): void => {
    c.reportTimer = ctx.after(SYNC_LIMITS.reportIntervalMs, () => {
      if (state.conn !== 'connected') return;
      const st = syncState.get();
      transport.report({ cursor: st.cursor, lmid: st.lmid, outboxSize: ctx.outbox.size() });
      if (state.running) ctx.spawn('token renewal', renewToken());
      scheduleReport();
    });
  };

  /** Keeps the socket's token fresh (the session manager refreshes it before expiry). */
  const renewToken = async (): Promise<void> => {
    const t = await ctx.deps.token();
    if (!t.ok || t.value === state.token || state.conn !== 'connected') return;
    state.token = t.value;
    try {
      await transport.renewAuth(state.token, timing.pushTimeoutMs);
    } catch {
      // The server disconnects an expired socket; the reconnect uses the new token.
    }
  };

  /** A socket event handler that ignores older generations and never throws into the transport. */
  const guard =
    <A extends unknown[]>(gen: number, fn: (...a: A) => void) =>
    (...a: A): void => {
      if (gen !== state.generation || !state.running) return;
      try {
        fn(...a);
      } catch (e) {
        logger.error('sync: event handler failed', { error: e instanceof Error ? e.stack : String(e) });
      }
    };

  /** The server needs a newer build: stop syncing, keep everything, say so. */
  const requireUpdate = (u: UpdateRequired): void => {
    state.updateRequired = { ...u, build: BUILD };
    syncState.setUpdateRequired(state.updateRequired);
    state.generation += 1;
    transport.disconnect();
    state.conn = 'offline';
    state.live = false;
    ctx.emitStatus();
  };

  /** Opens a socket (a new generation) unless one is open or syncing must not run. */
  const connect = async (): Promise<void> => {
    if (!state.running || state.updateRequired || state.conn !== 'offline') return;
    const gen = ++state.generation;
    state.conn = 'connecting';
    ctx.emitStatus();
    const t = await ctx.deps.token();
    if (gen !== state.generation || !state.running) return;
    if (!t.ok) {
      goOffline(t.error.message);
      scheduleReconnect();
      return;
    }
    state.token = t.value;
    const st = syncState.get();
    const events: TransportEvents = {
      hello: guard(gen, (h) => {
        heard();
        state.conn = 'connected';
        state.hello = h;
        c.reconnectAttempt = 0;
        state.offlineSince = null;
        state.lastError = null;
        db.transaction(() => syncState.heard(h.tenantSeq, h.floorSeq))();
        state.lane.buffer = [];
        // A self-repair the previous connection cut short (its answer dropped) resumes once live.
        state.history.hydrateWanted = true;
        lane.requestSync();
        push.kick(true);
        scheduleReport();
      }),
      changes: guard(gen, (p) => {
        if (state.conn !== 'connected') return;
        heard();
        if (lane.receive(p)) push.revive();
      }),
      tick: guard(gen, (t) => {
        if (state.conn !== 'connected') return;
        heard();
        if (t.seq > syncState.cursor()) lane.requestSync();
        push.revive();
      }),
      updateRequired: guard(gen, (u) => requireUpdate(u)),
      viewing: guard(gen, (p) =>
        ctx.deps.onPresence?.({ conversationId: p.conversationId, userId: p.userId, viewing: p.viewing }),
      ),
      typing: guard(gen, (p) =>
        ctx.deps.onPresence?.({ conversationId: p.conversationId, userId: p.userId, typing: p.typing }),
      ),
      disconnected: guard(gen, (reason) => {
        goOffline(state.conn === 'connected' ? null : reason);
        scheduleReconnect();
      }),
      connectFailed: guard(gen, (rej, message) => {
        goOffline(rej?.message ?? message);
        switch (rej?.code) {
          case 'session_revoked':
            ctx.deps.onSessionRevoked();
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
            ctx.spawn(
              'token refresh',
              ctx.deps.token({ force: true }).then(() => scheduleReconnect()),
            );
            return;
          default:
            scheduleReconnect();
        }
      }),
    };
    transport.connect(
      {
        token: state.token,
        organizationId: ctx.deps.organizationId,
        replicaId: ctx.deps.replicaId,
        clientId: ctx.deps.clientId,
        protocol: PROTOCOL_VERSION,
        schema: SCHEMA_VERSION,
        cursor: st.cursor,
        lastMutationId: st.lmid,
      },
      events,
    );
  };

  /** Presence to teammates; false when offline. */
  const presence = (conversationId: string | null, typing: boolean): boolean => {
    if (state.conn !== 'connected' || !conversationId) {
      return state.conn === 'connected' ? transport.presence({ conversationId: null }, null) : false;
    }
    return transport.presence({ conversationId }, { conversationId, typing });
  };

  return { connect, presence };
}

/** The connection part's type. */
export type Connection = ReturnType<typeof createConnection>;
