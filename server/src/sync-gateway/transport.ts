import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server, type Namespace, type Socket } from 'socket.io';
import {
  SYNC_NAMESPACE,
  SYNC_SOCKET_PATH,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '#contract/sync/protocol';
import type { TailerEmitter } from '../domain/sync/tailer/packets';
import type { PresenceEmitter } from './presence';

// The Socket.IO server of sync (namespace `/sync`, WebSocket only) and what leaves through it:
// the emitter port the tailers and the presence relay write into (user rooms, through the Redis
// adapter when several processes share the load) and the registry of this process's sockets.
// It is built first, so the tailers get their emitter and the gateway (handshake, events) is
// built last with both — no component waits for another to exist.

/** Socket data set by the handshake. */
export type SyncSocketData = {
  organizationId: string;
  userId: string;
  sessionId: string;
  clientId: string;
  token: string;
  expiry?: NodeJS.Timeout | undefined;
  viewing: string | null;
  chain: Promise<unknown>;
  lastReport: number;
  /** Per-connection event limits (event-limits.ts). */
  bucket: { take: () => boolean };
  typing: { shouldRelay: (conversationId: string, typing: boolean) => boolean };
};

/** Incoming events are untrusted: every argument is `unknown` until parsed. */
type Incoming = { [K in keyof ClientToServerEvents]: (...args: unknown[]) => void };
type SyncServer = Server<Incoming, ServerToClientEvents, Record<string, never>, SyncSocketData>;
/** The `/sync` namespace. */
export type SyncNamespace = Namespace<Incoming, ServerToClientEvents, Record<string, never>, SyncSocketData>;
/** One sync socket. */
export type SyncSocket = Socket<Incoming, ServerToClientEvents, Record<string, never>, SyncSocketData>;

/** Dependencies of {@link createSyncTransport}. */
export type TransportDeps = {
  httpServer: HttpServer;
  /** With a Redis URL, emits reach the sockets of every process (`@socket.io/redis-adapter`). */
  redisUrl?: string | undefined;
  log?: (msg: string, err?: unknown) => void;
  /** Told when the shared adapter is lost (false) and back (true). */
  onShared?: (up: boolean) => void;
};

/** Creates the Socket.IO server on `httpServer` (it accepts sockets once the gateway is built). */
export function createSyncTransport(deps: TransportDeps) {
  const io: SyncServer = new Server(deps.httpServer, {
    path: SYNC_SOCKET_PATH,
    transports: ['websocket'],
    serveClient: false,
    // A push frame holds at most 100 mutations of at most a few KB each.
    maxHttpBufferSize: 4 * 1024 * 1024,
  });
  let redis: { pub: Redis; sub: Redis } | null = null;
  // While Redis is unreachable, emits reach this process's sockets only: a process that is not
  // an organization's tailer cannot deliver its changes live (degraded-ticks.ts then ticks its
  // sockets so they pull).
  let sharedDown = false;
  if (deps.redisUrl) {
    const pub = new Redis(deps.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
    const sub = pub.duplicate();
    const lost = () => {
      if (sharedDown) return;
      sharedDown = true;
      deps.log?.('sync redis adapter lost: sockets here fall back to pulling');
      deps.onShared?.(false);
    };
    const ready = () => {
      if (!sharedDown || pub.status !== 'ready' || sub.status !== 'ready') return;
      sharedDown = false;
      deps.onShared?.(true);
    };
    for (const c of [pub, sub]) {
      c.on('error', (e) => deps.log?.('sync redis adapter error', e));
      c.on('close', lost);
      c.on('ready', ready);
    }
    io.adapter(createAdapter(pub, sub));
    redis = { pub, sub };
  }
  const nsp: SyncNamespace = io.of(SYNC_NAMESPACE);
  /** This process's sockets per user, for revocation re-checks. */
  const byUser = new Map<string, Set<SyncSocket>>();
  const byOrg = new Map<string, Set<SyncSocket>>();

  const emitter: TailerEmitter & PresenceEmitter = {
    changes: (rooms, packet) => nsp.to(rooms).emit('sync:changes', packet),
    tick: (rooms, t) => nsp.to(rooms).emit('sync:tick', t),
    viewing: (rooms, p) => nsp.to(rooms).emit('presence:viewing', p),
    typing: (rooms, p) => nsp.to(rooms).emit('presence:typing', p),
  };

  return {
    io,
    nsp,
    /** Where the tailers and the presence relay emit. */
    emitter,
    /** Whether emits reach every process (a shared adapter). */
    shared: redis !== null,
    /** Whether the shared adapter (Redis) is configured but unreachable right now. */
    sharedDown: (): boolean => sharedDown,
    /** Whether sockets of `org` are connected to this process. */
    hasSockets: (org: string): boolean => (byOrg.get(org)?.size ?? 0) > 0,
    /** This process's sockets of `org`. */
    socketsOfOrg: (org: string): Iterable<SyncSocket> => byOrg.get(org) ?? [],
    /** This process's sockets of `userId`. */
    socketsOf: (userId: string): Iterable<SyncSocket> => byUser.get(userId) ?? [],
    /** Records an accepted socket (until {@link forget}). */
    track: (socket: SyncSocket): void => {
      const d = socket.data;
      let mine = byUser.get(d.userId);
      if (!mine) byUser.set(d.userId, (mine = new Set()));
      mine.add(socket);
      let org = byOrg.get(d.organizationId);
      if (!org) byOrg.set(d.organizationId, (org = new Set()));
      org.add(socket);
    },
    /** Forgets a disconnected socket. */
    forget: (socket: SyncSocket): void => {
      const d = socket.data;
      const mine = byUser.get(d.userId);
      mine?.delete(socket);
      if (mine?.size === 0) byUser.delete(d.userId);
      const org = byOrg.get(d.organizationId);
      org?.delete(socket);
      if (org?.size === 0) byOrg.delete(d.organizationId);
    },
    /** Disconnects this process's sockets and stops accepting new ones (the HTTP server stays to Fastify). */
    close: async (): Promise<void> => {
      nsp.local.disconnectSockets(true);
      io.engine.close();
      if (redis) {
        await Promise.all([redis.pub.quit().catch(() => undefined), redis.sub.quit().catch(() => undefined)]);
      }
    },
  };
}

/** The Socket.IO side of sync: server, namespace, emitter, socket registry. */
export type SyncTransport = ReturnType<typeof createSyncTransport>;
