import {
  AuthRenewal,
  ClientReport,
  HandshakeAuth,
  PROTOCOL_VERSION,
  PushFrame,
  SCHEMA_RANGE,
  TypingFrame,
  ViewingFrame,
  clientToServer,
  type AuthRenewalAck,
  type HandshakeRejection,
  type PushAck,
} from '#contract/sync/protocol';
import type { Principal } from '../domain/auth/auth-service';
import type { Clock } from '../lib/clock';
import { type Result } from '#contract/result';
import { claimClient, readClock, recordReport } from '../domain/sync/clients';
import type { MutationLedger } from '../domain/sync/mutations';
import { loadViewer } from '../domain/visibility/queries';
import { scopeDigest } from '../domain/visibility/rule';
import type { TailerHub } from '../domain/sync/tailer/hub';
import { userRoom } from '../domain/sync/tailer/packets';
import type { Db } from '../storage/db';
import { createPresence } from './presence';
import {
  createTokenBucket,
  createTypingCoalescer,
  DEFAULT_EVENT_LIMITS,
  type EventLimits,
} from './event-limits';
import type { SyncSocket, SyncTransport } from './transport';

// The sync gateway (sync-protocol §2.4, §2.6, §2.7) on the Socket.IO transport (`transport.ts`:
// namespace `/sync`, WebSocket only). The handshake is authenticated exactly like REST (the same access token and
// the same session/membership check), the client id must be the user's, and the protocol and
// replica schema must be supported. An accepted socket joins ONE room, `u:{org}:{user}`, chosen
// by the server from the token; no event lets a client join anything else. Every incoming event
// is parsed with the contract's schema; a frame that does not parse is answered (when it has an
// ack) with `bad_frame` and has no side effect.
//
// Token renewal is in band: `sync:auth` with a fresh token keeps the socket (and the client's
// place) open; without it the socket is disconnected when its token expires, and the client
// reconnects with a fresh one. Revocation (deactivation, removal, password change, sign-out)
// reaches every process through a PostgreSQL notification; each re-checks its sockets of that
// user and disconnects those whose session no longer holds — within milliseconds.

/** Dependencies of {@link createSyncGateway}. */
export type GatewayDeps = {
  /** The Socket.IO server, built before the tailers (which emit through it). */
  transport: SyncTransport;
  db: Db;
  clock: Clock;
  authenticate: (token: string) => Promise<Result<Principal>>;
  ledger: MutationLedger;
  /** A connecting socket's organization is tailed before its hello reports the tenant seq. */
  tailers: Pick<TailerHub, 'ensure'>;
  /** Per-connection event limits (default DEFAULT_EVENT_LIMITS). */
  eventLimits?: EventLimits;
  /** Told when a member's socket connects (availability: the member is online). */
  onConnected?: (organizationId: string, userId: string) => Promise<void>;
  log?: (msg: string, err?: unknown) => void;
};

const rejection = (
  code: HandshakeRejection['code'],
  message: string,
  schemaRange?: HandshakeRejection['schemaRange'],
): Error => Object.assign(new Error(code), { data: { code, message, ...(schemaRange && { schemaRange }) } });

const authCode = (code: string): HandshakeRejection['code'] =>
  code === 'token_expired'
    ? 'token_expired'
    : code === 'session_revoked'
      ? 'session_revoked'
      : 'unauthorized';

/** The `exp` of a verified JWT, in ms. */
const expiryOf = (token: string): number | null => {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
};

const badFrame = (message: string): PushAck => ({
  ok: false,
  error: { code: 'bad_frame', message, retryable: false },
});

/** Creates the sync gateway: from now on the transport accepts and serves sockets. */
export function createSyncGateway(deps: GatewayDeps) {
  const { db, clock, transport } = deps;
  const nsp = transport.nsp;
  const presence = createPresence({ db, emit: transport.emitter });

  const armExpiry = (socket: SyncSocket) => {
    clearTimeout(socket.data.expiry);
    const exp = expiryOf(socket.data.token);
    if (exp === null) return;
    const delay = Math.min(Math.max(0, exp - clock.now().getTime()), 2 ** 31 - 1);
    socket.data.expiry = setTimeout(() => socket.disconnect(true), delay);
    socket.data.expiry.unref();
  };

  /** Re-runs the REST check of the socket's token; disconnects it when it no longer holds. */
  const recheck = async (socket: SyncSocket): Promise<boolean> => {
    const outcome = await deps.authenticate(socket.data.token);
    const ok =
      outcome.ok &&
      outcome.value.userId === socket.data.userId &&
      outcome.value.organizationId === socket.data.organizationId;
    if (!ok && socket.connected) socket.disconnect(true);
    return ok;
  };

  nsp.use((socket, next) => {
    void (async () => {
      const parsed = HandshakeAuth.safeParse(socket.handshake.auth);
      if (!parsed.success) return next(rejection('bad_handshake', 'The sync handshake is malformed.'));
      const a = parsed.data;
      if (a.protocol !== PROTOCOL_VERSION || a.schema < SCHEMA_RANGE.min || a.schema > SCHEMA_RANGE.max)
        return next(
          rejection(
            'update_required',
            'This version of Parley is too old for the server; update it to keep syncing.',
            SCHEMA_RANGE,
          ),
        );
      const auth = await deps.authenticate(a.token);
      if (!auth.ok) return next(rejection(authCode(auth.error.code), auth.error.message));
      const p = auth.value;
      if (p.organizationId !== a.organizationId)
        return next(rejection('unauthorized', 'The access token is for another organization.'));
      const owned = await claimClient(db, p.organizationId, p.userId, a.clientId, clock.now(), a.cursor);
      if (!owned) return next(rejection('bad_handshake', 'This client id belongs to another user.'));
      socket.data = {
        organizationId: p.organizationId,
        userId: p.userId,
        sessionId: p.sessionId,
        clientId: a.clientId,
        token: a.token,
        viewing: null,
        chain: Promise.resolve(),
        lastReport: 0,
        bucket: createTokenBucket(deps.eventLimits ?? DEFAULT_EVENT_LIMITS),
        typing: createTypingCoalescer(),
      };
      next();
    })().catch((e) => {
      deps.log?.('sync handshake failed', e);
      next(rejection('bad_handshake', 'The server could not check the handshake; retry.'));
    });
  });

  /** `org:user` → sockets of that member on this process. */
  const connectedMembers = new Map<string, number>();

  nsp.on('connection', (socket) => {
    const d = socket.data;
    // The only room: the user's, from the token. Nothing else is ever joined.
    void socket.join(userRoom(d.organizationId, d.userId));
    transport.track(socket);
    const memberKey = `${d.organizationId}:${d.userId}`;
    connectedMembers.set(memberKey, (connectedMembers.get(memberKey) ?? 0) + 1);
    void deps
      .onConnected?.(d.organizationId, d.userId)
      .catch((e) => deps.log?.('availability update failed', e));
    armExpiry(socket);

    // Every incoming event spends a token first (event-limits.ts): over the limit, an event that
    // waits for an ack is told to retry, any other is dropped before it costs anything.
    socket.use(([event, ...rest], next) => {
      if (d.bucket.take()) return next();
      const ack = rest[rest.length - 1];
      if (typeof ack === 'function')
        (ack as (v: unknown) => void)({
          ok: false,
          error: {
            code: 'rate_limited',
            message: `Too many events (${String(event)}); slow down and retry.`,
            retryable: true,
          },
        });
    });

    /** Runs one handler at a time per socket, in arrival order (pushes stay ordered). */
    const serial = (fn: () => Promise<void>) => {
      d.chain = d.chain.then(fn).catch((e) => deps.log?.('sync event handler failed', e));
    };
    const ackOf = (args: unknown[]): ((v: unknown) => void) | null => {
      const last = args[args.length - 1];
      return typeof last === 'function' ? (last as (v: unknown) => void) : null;
    };

    socket.on('sync:push', (...args) => {
      const ack = ackOf(args);
      if (!ack) return;
      const frame = PushFrame.safeParse(args[0]);
      if (!frame.success) return ack(badFrame('The push frame is malformed.'));
      serial(async () => {
        if (!(await recheck(socket))) {
          ack({
            ok: false,
            error: { code: 'unavailable', message: 'The session ended; sign in again.', retryable: true },
          } satisfies PushAck);
          return;
        }
        const out = await deps.ledger.push(
          {
            organizationId: d.organizationId,
            userId: d.userId,
            sessionId: d.sessionId,
            clientId: d.clientId,
          },
          frame.data.mutations,
        );
        if (out.updateRequired)
          socket.emit('sync:update_required', {
            reason: 'mutator',
            message: 'This version of Parley is too old to send its queued changes; update it.',
            schemaRange: SCHEMA_RANGE,
            minMutatorVersion: out.updateRequired.minMutatorVersion,
          });
        ack(out.ack);
      });
    });

    socket.on('sync:auth', (...args) => {
      const ack = ackOf(args);
      const frame = AuthRenewal.safeParse(args[0]);
      if (!frame.success) {
        ack?.({
          ok: false,
          error: { code: 'bad_handshake', message: 'The token renewal is malformed.' },
        } satisfies AuthRenewalAck);
        return;
      }
      serial(async () => {
        const outcome = await deps.authenticate(frame.data.token);
        if (!outcome.ok) {
          ack?.({ ok: false, error: { code: authCode(outcome.error.code), message: outcome.error.message } });
          return;
        }
        if (outcome.value.userId !== d.userId || outcome.value.organizationId !== d.organizationId) {
          ack?.({ ok: false, error: { code: 'unauthorized', message: 'The token is for another user.' } });
          return;
        }
        d.token = frame.data.token;
        d.sessionId = outcome.value.sessionId;
        armExpiry(socket);
        ack?.({ ok: true } satisfies AuthRenewalAck);
      });
    });

    socket.on('sync:report', (...args) => {
      const report = ClientReport.safeParse(args[0]);
      if (!report.success) return;
      const now = clock.now();
      // At most one write per 5 s per socket, whatever the client sends.
      if (now.getTime() - d.lastReport < 5_000) return;
      d.lastReport = now.getTime();
      serial(() => recordReport(db, d.organizationId, d.userId, d.clientId, now, report.data.cursor));
    });

    socket.on('presence:viewing', (...args) => {
      const frame = ViewingFrame.safeParse(args[0]);
      if (!frame.success) return;
      const next = frame.data.conversationId;
      const prev = d.viewing;
      if (next === prev) return;
      d.viewing = next;
      serial(async () => {
        if (prev) await presence.viewing(d.organizationId, d.userId, prev, false);
        if (next) await presence.viewing(d.organizationId, d.userId, next, true);
      });
    });

    socket.on('presence:typing', (...args) => {
      const frame = TypingFrame.safeParse(args[0]);
      if (!frame.success) return;
      if (!d.typing.shouldRelay(frame.data.conversationId, frame.data.typing)) return;
      serial(() => presence.typing(d.organizationId, d.userId, frame.data.conversationId, frame.data.typing));
    });

    // Events outside the contract: answered when they wait for an ack, otherwise ignored.
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event in clientToServer) return;
      ackOf(args)?.(badFrame(`Unknown event ${event}.`));
    });

    socket.on('disconnect', () => {
      clearTimeout(d.expiry);
      transport.forget(socket);
      const left = (connectedMembers.get(memberKey) ?? 1) - 1;
      if (left > 0) connectedMembers.set(memberKey, left);
      else connectedMembers.delete(memberKey);
      if (d.viewing)
        void presence.viewing(d.organizationId, d.userId, d.viewing, false).catch(() => undefined);
    });

    void (async () => {
      await deps.tailers.ensure(d.organizationId);
      const [clockRow, viewer] = await Promise.all([
        readClock(db, d.organizationId),
        loadViewer(db, d.organizationId, d.userId),
      ]);
      if (!socket.connected) return;
      socket.emit('sync:hello', {
        tenantSeq: clockRow.seq,
        floorSeq: clockRow.floorSeq,
        schemaRange: SCHEMA_RANGE,
        protocol: PROTOCOL_VERSION,
        serverTime: clock.now().toISOString(),
        userId: d.userId,
        scopeDigest: scopeDigest(viewer),
      });
    })().catch((e) => {
      deps.log?.('sync hello failed', e);
      socket.disconnect(true);
    });
  });

  return {
    /** The `/sync` namespace (tests look at its sockets). */
    nsp,
    /** Members with a socket on this process (the availability heartbeat keeps them online). */
    connectedMembers: (): Array<{ organizationId: string; userId: string }> =>
      [...connectedMembers.keys()].map((k) => {
        const [organizationId, userId] = k.split(':') as [string, string];
        return { organizationId, userId };
      }),
    /** Presence audience queries so far (tests prove a flood costs a bounded number). */
    presenceQueries: () => presence.queries(),
    /** Sessions of `userId` were revoked somewhere: re-check this process's sockets of that user. */
    recheckUser: async (userId: string): Promise<void> => {
      await Promise.all([...transport.socketsOf(userId)].map((s) => recheck(s).catch(() => false)));
    },
    /** Disconnects this process's sockets and stops accepting new ones (the HTTP server stays to Fastify). */
    close: (): Promise<void> => transport.close(),
  };
}

/** The sync gateway. */
export type SyncGateway = ReturnType<typeof createSyncGateway>;
