import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import type { Clock } from '../../lib/clock';
import type { AuditRecorder } from '../../domain/audit/audit-log';
import { createNotifications, type Notifications } from '../../domain/sync/notifications';
import { createDelivery } from '../../domain/webhooks/delivery';
import { createWebhookEndpointService } from '../../domain/webhooks/endpoint-service';
import { createFanOut, DELIVERY_QUEUE } from '../../domain/webhooks/fan-out';
import { createWebhookHttp, type WebhookHttp } from '../../domain/webhooks/safe-http';
import { createSecretBox } from '../../domain/whatsapp/secret-box';
import { webhookOutRoutes } from '../../http/webhooks-out/routes';
import { createPoolWorker } from '../../jobs/pool-worker';
import { WEBHOOK_CHANNEL } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import type { JobQueue } from '../../storage/job-queue';
import type { whatsappAccounts } from '../../storage/schema/index';

/** What the webhooks module needs. */
export type WebhooksDeps = {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  secretKey: string;
  /** Where endpoint registrations, changes, rotations and deletions are recorded. */
  audit: AuditRecorder;
  toAccount: (row: typeof whatsappAccounts.$inferSelect) => WhatsAppAccount;
  /** Seconds before each retry (default: the `WEBHOOK_RETRY_SCHEDULE` default). */
  retrySchedule?: readonly number[] | undefined;
  /** Allow http and private addresses (`WEBHOOK_ALLOW_PRIVATE_URLS`). */
  allowPrivateUrls?: boolean | undefined;
  /** Overrides of the delivery client (tests: a resolver, a short timeout). */
  http?: WebhookHttp | undefined;
  /** Attempts in flight per endpoint across processes (default 4). */
  perEndpointConcurrency?: number | undefined;
  /**
   * Timeout of one attempt (default 10 s). The attempt lease outlives it by 5 s and the job lease
   * by 10 s: a process killed mid-attempt holds its deliveries that long, no longer.
   */
  attemptTimeoutMs?: number | undefined;
};

/** Default `WEBHOOK_RETRY_SCHEDULE`: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];

/**
 * Outgoing webhooks: the endpoint routes, the fan-out pump (outbox → events and delivery jobs,
 * woken by the outbox's LISTEN channel, polling each second as a fallback) and the delivery pool
 * on the shared job queue. Every process runs both; leases keep them from doubling work.
 */
export function createWebhooksModule(deps: WebhooksDeps) {
  const { db, clock, jobs } = deps;
  let log: FastifyBaseLogger | undefined;
  const box = createSecretBox(deps.secretKey);
  const timeoutMs = deps.attemptTimeoutMs ?? 10_000;
  const http = deps.http ?? createWebhookHttp({ allowPrivate: deps.allowPrivateUrls ?? false, timeoutMs });
  const delivery = createDelivery({
    db,
    clock,
    box,
    http,
    jobs,
    retrySchedule: deps.retrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    perEndpointConcurrency: deps.perEndpointConcurrency,
    timeoutMs,
  });
  const fanOut = createFanOut({ db, clock, jobs, toAccount: deps.toAccount });
  const pool = createPoolWorker({
    queue: DELIVERY_QUEUE,
    jobs,
    handler: delivery.handle,
    leaseMs: timeoutMs + 10_000,
    onError: (e) => log?.error({ err: e }, 'webhook delivery pool error'),
  });
  const endpoints = createWebhookEndpointService({
    db,
    clock,
    box,
    jobs,
    delivery,
    audit: deps.audit,
    allowPrivateUrls: deps.allowPrivateUrls ?? false,
    onEnqueued: () => pool.wake(),
  });

  let pumping = false;
  let pump: Promise<void> | undefined;
  let again = false;
  let wakePump: (() => void) | undefined;
  let notifications: Notifications | undefined;
  const wake = () => {
    again = true;
    wakePump?.();
  };
  const runPump = async () => {
    while (pumping) {
      again = false;
      try {
        const r = await fanOut.runOnce();
        if (r.deliveries > 0) pool.wake();
        if (r.changes > 0) continue;
      } catch (e) {
        log?.error({ err: e }, 'webhook fan-out failed');
      }
      if (again) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, 1_000);
        function done() {
          clearTimeout(t);
          wakePump = undefined;
          resolve();
        }
        wakePump = done;
      });
    }
  };

  return {
    services: { endpoints, fanOut, delivery },
    registerApi: async (api: FastifyInstance) => {
      await api.register(webhookOutRoutes, { prefix: '/webhooks', endpoints });
    },
    start: async (logger: FastifyBaseLogger) => {
      log = logger;
      notifications = createNotifications(db, (msg, err) => logger.warn({ err }, msg));
      notifications.on(WEBHOOK_CHANNEL, wake);
      // Another process enqueued (a retry from its API): this pool may take it.
      notifications.on('jobs', (queues) => {
        if (queues.split(',').some((q) => q.endsWith(DELIVERY_QUEUE))) pool.wake();
      });
      notifications.onReconnect(wake);
      await notifications.start();
      pumping = true;
      pump = runPump();
      pool.start();
    },
    stop: async () => {
      pumping = false;
      wakePump?.();
      await pump;
      await pool.stop();
      await notifications?.stop();
      if (!deps.http) http.close();
    },
    /** Fans out everything in the outbox now (tests). */
    drain: async () => {
      while ((await fanOut.runOnce()).changes > 0) pool.wake();
      pool.wake();
    },
  };
}
