import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../domain/auth/auth-service';
import type { Clock } from '../../lib/clock';
import { type Result } from '#contract/result';
import { createBootstrapService } from '../../domain/sync/bootstrap';
import { createMutationLedger } from '../../domain/sync/mutations';
import type { MutatorDeps } from '../../domain/sync/mutators';
import {
  createNotifications,
  isPglite,
  SESSION_CHANNEL,
  SYNC_CHANNEL,
} from '../../domain/sync/notifications';
import type { ToAccount } from '../../domain/sync/projection';
import { createPullService } from '../../domain/sync/pull';
import { createRetention } from '../../domain/sync/retention';
import { createTailerHub, type TailerHub } from '../../domain/sync/tailer/hub';
import { syncRoutes } from '../../http/sync/routes';
import { createLeases } from '../../storage/lease';
import type { Db } from '../../storage/db';
import { createDegradedTicks } from '../../sync-gateway/degraded-ticks';
import type { AvailabilityService } from '../../domain/assignment/availability-service';
import type { StageTimings } from '../../lib/stage-timings';
import { createSyncGateway, type SyncGateway } from '../../sync-gateway/gateway';
import { createSyncTransport } from '../../sync-gateway/transport';

/** application_name prefix of the sync listener's connection: `parley-sync:<holder>`. */
const TAILER_PRESENCE = 'parley-sync:';

/** What the sync module needs. */
export type SyncDeps = {
  db: Db;
  clock: Clock;
  authenticate: (token: string) => Promise<Result<Principal>>;
  toAccount: ToAccount;
  /** The job queue the mutators enqueue into (send jobs, mark-read, snooze wake-ups). */
  jobs: MutatorDeps['jobs'];
  /** The monthly quota sends count against (issue 10). */
  quota?: MutatorDeps['quota'];
  /** Wakes the send worker after a mutation queued a send or a mark-read. */
  onSendQueued?: () => void;
  /** `REDIS_URL`: several processes share emits through the Redis adapter. */
  redisUrl?: string | undefined;
  /** Heartbeat period (tests shorten it). */
  tickMs?: number | undefined;
  /** Availability: sockets mark members online; a heartbeat and sweep mark them offline. */
  availability?: Pick<AvailabilityService, 'connected' | 'heartbeat' | 'sweepOffline'>;
  /** How often the availability heartbeat and offline sweep run (a third of OFFLINE_AFTER_SECONDS). */
  availabilityTickMs?: number;
  /** The stage clock of inbound messages (`GET /metrics`, benchmarks). */
  timings?: StageTimings | undefined;
  /** A sessions NOTIFY for this user arrived (the auth service drops its cached checks). */
  onSessionsChanged?: (userId: string) => void;
  /** The listener reconnected: notifications may have been lost. */
  onNotificationsLost?: () => void;
};

/** What tests and benchmarks reach through `app.sync`. */
export type SyncHandle = {
  gateway: SyncGateway;
  tailers: TailerHub;
  /** Resolves when every tailed organization has emitted what it was notified of. */
  idle: () => Promise<void>;
  /** Sync sockets connected to this process (`GET /metrics`). */
  sockets: () => number;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The sync gateway and tailers (tests, benchmarks). */
    sync: SyncHandle;
  }
}

/**
 * The sync half of the server (sync-protocol §2): HTTP pull/bootstrap/history, the mutation
 * ledger, the Socket.IO gateway on the app's HTTP server, the per-organization tailers behind
 * PostgreSQL notifications, and log retention.
 */
export function createSyncModule(deps: SyncDeps) {
  const { db, clock } = deps;
  const pull = createPullService({ db, clock, toAccount: deps.toAccount });
  const bootstrap = createBootstrapService({ db, clock, toAccount: deps.toAccount });
  const ledger = createMutationLedger({
    db,
    clock,
    mutator: { clock, jobs: deps.jobs, quota: deps.quota },
    afterCommit: () => deps.onSendQueued?.(),
  });
  const retention = createRetention({ db, clock });

  return {
    services: { pull, bootstrap, ledger, retention },

    /** Registers `/api/v1/sync/*` on `api` (the /api/v1 scope). */
    registerApi: (api: FastifyInstance) => api.register(syncRoutes, { prefix: '/sync', pull, bootstrap }),

    /**
     * Attaches the gateway to `app.server` and runs the tailers, the notification listener and
     * retention between ready and close.
     */
    attach: (app: FastifyInstance): void => {
      const log = (msg: string, err?: unknown) => app.log.warn({ err }, msg);
      // Construction order: the Socket.IO transport (the emitter port), the tailers that emit
      // through it, then the gateway that serves sockets and asks the tailers to tail their org.
      // Losing Redis, this process gives up its tailer leases (a process whose emits still reach
      // the others takes them) and ticks its own sockets to pull (degraded-ticks.ts).
      let onSharedLost = (): void => undefined;
      const transport = createSyncTransport({
        httpServer: app.server,
        redisUrl: deps.redisUrl,
        log,
        onShared: (up) => {
          if (!up) onSharedLost();
        },
      });
      const embedded = isPglite(db);
      // The tailer lease holder; the notification listener's connection is named after it, so
      // when this process dies its leases are free at once (storage/lease.ts, presence).
      const holder = randomUUID();
      const tailers = createTailerHub({
        db,
        toAccount: deps.toAccount,
        emit: transport.emitter,
        leases: embedded ? undefined : createLeases({ db, clock, presence: TAILER_PRESENCE }),
        holder,
        log,
        tickMs: deps.tickMs,
        timings: deps.timings,
        mayTail: embedded
          ? undefined
          : transport.shared
            ? () => !transport.sharedDown()
            : (org) => transport.hasSockets(org),
      });
      const gateway = createSyncGateway({
        transport,
        db,
        clock,
        authenticate: deps.authenticate,
        ledger,
        tailers,
        log,
        ...(deps.availability && { onConnected: deps.availability.connected }),
      });
      const degraded = createDegradedTicks(transport);
      onSharedLost = () => void tailers.releaseAll().catch((e) => log('sync tailer release failed', e));
      let availabilityTimer: ReturnType<typeof setInterval> | undefined;
      const availabilityTick = async () => {
        if (!deps.availability) return;
        await deps.availability.heartbeat(gateway.connectedMembers());
        await deps.availability.sweepOffline();
      };
      const notifications = createNotifications(db, log, `${TAILER_PRESENCE}${holder}`);
      notifications.on(SYNC_CHANNEL, (payload) => {
        const i = payload.lastIndexOf(':');
        const seq = Number(payload.slice(i + 1));
        if (i > 0 && Number.isSafeInteger(seq)) {
          tailers.notified(payload.slice(0, i), seq);
          degraded.notified(payload.slice(0, i), seq);
        }
      });
      notifications.on(SESSION_CHANNEL, (userId) => {
        deps.onSessionsChanged?.(userId);
        void gateway.recheckUser(userId).catch(() => undefined);
      });
      notifications.onReconnect(() => {
        deps.onNotificationsLost?.();
        void tailers.resync().catch((e) => log('sync resync failed', e));
      });

      app.decorate('sync', {
        gateway,
        tailers,
        idle: () => tailers.idle(),
        sockets: () => transport.nsp.sockets.size,
      } satisfies SyncHandle);
      app.addHook('onReady', async () => {
        await notifications.start();
        await tailers.start();
        retention.start(log);
        if (deps.availability)
          availabilityTimer = setInterval(
            () => void availabilityTick().catch((e) => log('availability heartbeat failed', e)),
            deps.availabilityTickMs ?? 30_000,
          );
      });
      app.addHook('preClose', async () => {
        retention.stop();
        clearInterval(availabilityTimer);
        await notifications.stop();
        degraded.stop();
        await tailers.stop();
        await gateway.close();
      });
    },
  };
}
