import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Clock } from '../../lib/clock';
import type { AuditRecorder } from '../../domain/audit/audit-log';
import {
  createConversationService,
  CONVERSATION_WAKE_QUEUE,
} from '../../domain/conversations/conversation-service';
import { createMediaService } from '../../domain/media/media-service';
import { createInboundIngest } from '../../domain/messages/inbound-ingest';
import { MEDIA_FETCH_QUEUE, type MediaFetchPayload } from '../../domain/messages/ingest-messages';
import { createMessageService } from '../../domain/messages/message-service';
import { createTemplateAdmin } from '../../domain/templates/template-admin';
import { createTemplateService } from '../../domain/templates/template-service';
import {
  createTemplateSyncHandler,
  TEMPLATE_SYNC_QUEUE,
  type TemplateSyncPayload,
} from '../../domain/templates/template-sync-job';
import { createAccountService } from '../../domain/whatsapp/account-service';
import { createInboundProcessor } from '../../domain/whatsapp/inbound-processor';
import { createSecretBox } from '../../domain/whatsapp/secret-box';
import { createWebhookAccounts } from '../../domain/whatsapp/webhook-accounts';
import { createWebhookQuarantine } from '../../domain/whatsapp/webhook-quarantine';
import { createWebhookReceiver } from '../../domain/whatsapp/webhook-receiver';
import { createDefaultTeam } from '../../domain/whatsapp/default-team';
import { createWebhookVerification } from '../../domain/whatsapp/webhook-verification';
import { conversationRoutes } from '../../http/conversations/routes';
import { mediaRoutes } from '../../http/media/routes';
import { messageRoutes } from '../../http/messages/routes';
import { templateRoutes } from '../../http/templates/routes';
import { templateMediaRoutes } from '../../http/whatsapp-accounts/template-media-routes';
import { createTemplateMedia } from '../../domain/templates/template-media';
import { quarantineRoutes } from '../../http/webhooks/quarantine-routes';
import { webhookRoutes } from '../../http/webhooks/routes';
import { whatsappAccountRoutes } from '../../http/whatsapp-accounts/routes';
import { createWorker } from '../../jobs/worker';
import type { Db } from '../../storage/db';
import type { StageTimings } from '../../lib/stage-timings';
import type { MessagingInfrastructure } from '../messaging-infrastructure';

/** What the inbound module needs: the database, time, secrets and the shared infrastructure. */
export type InboundDeps = MessagingInfrastructure & {
  db: Db;
  clock: Clock;
  secretKey: string;
  publicUrl: string;
  /** The engine: on PGlite webhook processing yields to acknowledgements (one engine for both). */
  engine?: 'pglite' | 'postgres' | undefined;
  /** Where admins' changes to WhatsApp accounts are recorded. */
  audit: AuditRecorder;
  /** The stage clock of inbound messages (`GET /metrics`, benchmarks). */
  timings?: StageTimings | undefined;
};

/** Background work the inbound module runs while the app is up, with hooks for tests and benchmarks. */
export type Background = {
  /** Resolves when stored webhooks are processed and due media/wake-up jobs are drained. */
  idle: () => Promise<void>;
  /** Recently dropped webhook events (unknown numbers, untrusted owners). */
  dropped: () => ReadonlyArray<{ receiptId: number; reason: string }>;
};

/**
 * WhatsApp in, and the inbox it fills: the connected numbers (accounts, their secrets and
 * template sync), webhook receipt and processing (ingest), media downloads, conversation
 * wake-ups, and the REST side of what arrived (conversations, messages, templates, media).
 * Returns its services (the outbound and sync modules use `accounts`), route registrars, the
 * background hooks and `start`/`stop`.
 */
export function createInboundModule(deps: InboundDeps) {
  const { db, clock, graph, mediaStore, jobs } = deps;
  const secrets = createSecretBox(deps.secretKey);
  const webhookAccounts = createWebhookAccounts({ db, secrets, clock });
  const accounts = createAccountService({
    db,
    clock,
    graph,
    secrets,
    publicUrl: deps.publicUrl,
    onChanged: (id) => webhookAccounts.invalidate(id),
    audit: deps.audit,
  });
  const templates = createTemplateService({ db, clock });
  const templateAdmin = createTemplateAdmin({
    db,
    clock,
    graph,
    audit: deps.audit,
    credentials: accounts.credentials,
    flagTokenInvalid: accounts.flagTokenInvalid,
  });
  const templateMedia = createTemplateMedia({
    uploader: deps.uploader,
    appId: deps.metaAppId,
    credentials: accounts.credentials,
    flagTokenInvalid: accounts.flagTokenInvalid,
  });
  const conversations = createConversationService({ db, clock, jobs, audit: deps.audit });
  const messages = createMessageService({ db });
  const media = createMediaService({ db, clock, store: mediaStore, graph, accounts });
  const ingest = createInboundIngest({ jobs, audit: deps.audit, quota: deps.quota });
  const quarantine = createWebhookQuarantine({ db, audit: deps.audit });

  let log: FastifyBaseLogger | undefined;
  const mediaWorker = createWorker<MediaFetchPayload>({
    queue: MEDIA_FETCH_QUEUE,
    jobs,
    handler: media.fetchJob,
    concurrency: 4,
    onError: (e) => log?.error({ err: e }, 'media worker error'),
  });
  const wakeWorker = createWorker({
    queue: CONVERSATION_WAKE_QUEUE,
    jobs,
    handler: conversations.wakeJob,
    maxIdleMs: 5_000,
    onError: (e) => log?.error({ err: e }, 'wake-up worker error'),
  });
  const templateSyncWorker = createWorker<TemplateSyncPayload>({
    queue: TEMPLATE_SYNC_QUEUE,
    jobs,
    handler: createTemplateSyncHandler({
      jobs,
      refresh: accounts.refreshTemplates,
      onSynced: (accountId, r) => log?.info({ accountId, ...r }, 'templates synced after a status webhook'),
    }),
    concurrency: 2,
    onError: (e) => log?.error({ err: e }, 'template sync worker error'),
  });
  const single = deps.engine !== 'postgres';
  const processor = createInboundProcessor({
    db,
    clock,
    accounts: webhookAccounts,
    ingest,
    quarantine,
    ...(single && {
      yieldTo: { quietIn: (gap) => receiver.quietIn(gap), settled: (ms) => receiver.settled(ms) },
    }),
    log: {
      info: (o, m) => log?.info(o, m),
      warn: (o, m) => log?.warn(o, m),
      error: (o, m) => log?.error(o, m),
    },
    onMediaQueued: () => mediaWorker.wake(),
    timings: deps.timings,
  });
  const receiver = createWebhookReceiver({
    db,
    accounts: webhookAccounts,
    concurrentWrites: single ? 1 : 4,
    onStored: () => processor.notify(),
    onVerified: createWebhookVerification({ db, clock }),
    log: { warn: (o, m) => log?.warn(o, m), info: (o, m) => log?.info(o, m) },
  });

  const background: Background = {
    idle: async () => {
      await processor.idle();
      await mediaWorker.idle();
      await wakeWorker.idle();
      await templateSyncWorker.idle();
    },
    dropped: () => processor.dropped(),
  };

  return {
    services: {
      accounts,
      templates,
      conversations,
      messages,
      media,
      receiver,
      processor,
      quarantine,
    },
    background,
    /** Registers `/webhooks/whatsapp` on the root and the REST modules on `api` (the /api/v1 scope). */
    registerWebhooks: (app: FastifyInstance) =>
      app.register(webhookRoutes, { prefix: '/webhooks/whatsapp', receiver, timings: deps.timings }),
    registerApi: async (api: FastifyInstance) => {
      await api.register(whatsappAccountRoutes, {
        prefix: '/whatsapp-accounts',
        accounts,
        setDefaultTeam: createDefaultTeam({ db, clock, audit: deps.audit, toAccount: accounts.toAccount }),
      });
      await api.register(templateMediaRoutes, { prefix: '/whatsapp-accounts', media: templateMedia });
      await api.register(conversationRoutes, { prefix: '/conversations', conversations });
      await api.register(messageRoutes, { messages });
      await api.register(templateRoutes, { prefix: '/templates', templates, admin: templateAdmin });
      await api.register(mediaRoutes, { prefix: '/media', media });
      await api.register(quarantineRoutes, { prefix: '/webhook-quarantine', quarantine });
    },
    /** Starts webhook processing (replaying what an earlier run left) and the workers. */
    start: (logger: FastifyBaseLogger) => {
      log = logger;
      processor.start();
      mediaWorker.start();
      wakeWorker.start();
      templateSyncWorker.start();
    },
    stop: async () => {
      await processor.stop();
      await Promise.all([mediaWorker.stop(), wakeWorker.stop(), templateSyncWorker.stop()]);
    },
  };
}

/** The inbound module's services. */
export type InboundServices = ReturnType<typeof createInboundModule>['services'];
