import { basename, join } from 'node:path';
import type { ReplicaChanged } from '#contract/ipc/contract';
import { createCommands, type Commands } from './commands/commands';
import type { OpenReplica } from './db/open-db';
import type { Clock, HttpFetch, Logger } from './deps';
import type { CoreEvents } from './events';
import { createMediaUploader, type MediaUploader } from './media/media-uploader';
import { createStagedMedia, type StagedMediaStore } from './media/staged-media';
import { createStagedSweeper } from './media/staged-sweeper';
import { createOutboxStore } from './outbox/outbox-store';
import { MetaKey, getMeta } from './replica/meta-store';
import { createReplicaQueries, type ReplicaQueries } from './replica/queries';
import { createThreadChanges, type ThreadChangesReader } from './replica/thread-changes';
import type { SessionManager } from './session/session-manager';
import { emptySummary } from './sync/apply/apply';
import { createSyncEngine, type EngineTiming, type SyncEngine } from './sync/engine/engine';
import { createMediaCache, type MediaCache } from './sync/media-cache';
import { replicaChanged } from './sync/message-spans';
import { createSocketTransport } from './sync/socket-transport';
import type { StatusTracker } from './sync/status-tracker';
import type { SyncTransport } from './sync/transport';

// What lives while one replica is open — its queries, commands, sync engine, media uploader,
// media cache and staged folder — wired together when a session opens a replica (index.ts
// starts the engine and stops it before the replica closes).

/** Everything that lives while one replica is open. */
export interface SyncParts {
  replica: OpenReplica;
  queries: ReplicaQueries;
  /** `messages:range`: a thread's changed rows. */
  changes: ThreadChangesReader;
  commands: Commands;
  engine: SyncEngine | null;
  media: MediaCache | null;
  staged: StagedMediaStore;
  clientId: string;
}

/** Builds the sync transport for a server; the default is Socket.IO + fetch. */
export type SyncTransportFactory = (config: {
  serverUrl: string;
  fetch: HttpFetch;
  logger: Logger;
}) => SyncTransport;

/** What {@link openSyncParts} needs from the core. */
export interface SyncPartsContext {
  dataDir: string;
  fetch: HttpFetch;
  syncTransport?: SyncTransportFactory | null | undefined;
  syncTiming?: Partial<EngineTiming> | undefined;
  mediaCacheBytes?: number | undefined;
  mediaUrl: (mediaId: string) => string;
  clock: Clock;
  logger: Logger;
  events: CoreEvents;
  status: StatusTracker;
  session: SessionManager;
  /** The server says this user may no longer sync. */
  onSessionRevoked: () => void;
}

/** Wires the parts of the replica `cur` (the engine is not started). */
export function openSyncParts(
  ctx: SyncPartsContext,
  cur: NonNullable<ReturnType<SessionManager['current']>>,
): SyncParts {
  const { clock, logger, events, status, session, mediaUrl } = ctx;
  const deps = ctx;
  const sessionRevoked = ctx.onSessionRevoked;
  const sqlite = cur.replica.sqlite;
  const clientId = getMeta(cur.replica.db, MetaKey.clientId) ?? '';
  const queries = createReplicaQueries(sqlite, () => session.current()?.user.id ?? '');
  const factory =
    deps.syncTransport === undefined
      ? (c: Parameters<SyncTransportFactory>[0]) => createSocketTransport(c)
      : deps.syncTransport;
  const transport = factory ? factory({ serverUrl: cur.serverUrl, fetch: deps.fetch, logger }) : null;
  // Bound once the media cache exists; cleans the staged folder as sends are confirmed.
  let sweeper: ReturnType<typeof createStagedSweeper> | null = null;
  const changed = (c: ReplicaChanged) => {
    events.emit('replica:changed', c);
    sweeper?.onChanged(c);
  };
  const mediaDir = join(deps.dataDir, 'media', basename(cur.replicaPath, '.sqlite'));
  const staged = createStagedMedia({
    db: sqlite,
    dir: join(mediaDir, 'staged'),
    now: () => clock.now(),
    mediaUrl,
  });
  // Bound once the engine exists: the uploader writes through the engine's outbox store.
  let uploader: MediaUploader | null = null;
  const engine = transport
    ? createSyncEngine({
        db: sqlite,
        transport,
        queries,
        clientId,
        replicaId: basename(cur.replicaPath, '.sqlite'),
        organizationId: cur.user.organizationId,
        token: (o) => session.accessToken(o),
        clock,
        logger,
        timing: deps.syncTiming,
        onStatus: (st) => status.engine(st),
        onChanged: changed,
        onRevoked: (r) =>
          events.emit('conversation:revoked', {
            ...r,
            reassignedToName: r.reassignedTo ? queries.memberName(r.reassignedTo) : null,
          }),
        onPresence: (p) => events.emit('presence:changed', p),
        onSessionRevoked: sessionRevoked,
        beforePush: (batch) =>
          uploader
            ? uploader.prepare(batch)
            : Promise.resolve({ hold: null, error: null, changed: false, sum: emptySummary() }),
      })
    : null;
  if (engine)
    uploader = createMediaUploader({
      db: sqlite,
      outbox: engine.outbox,
      staged,
      serverUrl: cur.serverUrl,
      fetch: deps.fetch,
      token: (o) => session.accessToken(o),
      onProgress: (p) => events.emit('media:progress', p),
    });
  const commands = createCommands({
    db: sqlite,
    outbox: engine?.outbox ?? createOutboxStore(sqlite),
    user: () => {
      const u = session.current()?.user;
      if (!u) throw new Error('no signed-in user');
      return u;
    },
    now: () => clock.now(),
    changed: (sum) => {
      if (engine) return engine.committed(sum);
      const c = replicaChanged(sum);
      if (c) changed(c);
    },
    staged: (id) => staged.byId(id),
  });
  const media = transport
    ? createMediaCache({
        db: sqlite,
        dir: mediaDir,
        capBytes: deps.mediaCacheBytes,
        now: () => clock.now(),
        download: async (id) => {
          const t = await session.accessToken();
          if (!t.ok) throw new Error(t.error.message);
          return transport.media(id, t.value);
        },
      })
    : null;
  sweeper = createStagedSweeper({ staged, media, logger });
  sweeper.sweep();
  return {
    replica: cur.replica,
    queries,
    changes: createThreadChanges(sqlite, queries),
    commands,
    engine,
    media,
    staged,
    clientId,
  };
}
