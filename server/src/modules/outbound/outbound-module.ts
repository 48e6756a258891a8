import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Clock } from '../../lib/clock';
import { createContactService } from '../../domain/contacts/contact-service';
import { createMediaUploads } from '../../domain/media/media-upload';
import { createMediaUrlJob, MEDIA_URL_QUEUE, type MediaUrlPayload } from '../../domain/media/media-url-job';
import { createSendService } from '../../domain/messages/send-service';
import { contactRoutes } from '../../http/contacts/routes';
import { mediaUploadRoutes } from '../../http/media/upload-routes';
import { sendRoutes } from '../../http/messages/send-routes';
import { createSendWorker, type SendWorkerOptions } from '../../jobs/send-worker';
import { createWorker } from '../../jobs/worker';
import type { InboundServices } from '../inbound/inbound-module';
import type { MessagingInfrastructure } from '../messaging-infrastructure';
import type { Db } from '../../storage/db';

/** What the outbound module needs: the database, time, the shared infrastructure and the numbers. */
export type OutboundDeps = MessagingInfrastructure & {
  db: Db;
  clock: Clock;
  /** The connected numbers (their decrypted credentials), from the inbound module. */
  accounts: Pick<InboundServices['accounts'], 'credentials'>;
  /** Send-queue settings (tests shorten waits, benchmarks turn pair-rate pacing off). */
  sendQueue?: SendWorkerOptions | undefined;
  /** The job queue's namespace (tests isolate apps sharing one database); empty in production. */
  jobNamespace?: string | undefined;
  /** Media by URL may be fetched from private addresses and over http (ALLOW_PRIVATE_MEDIA_URLS). */
  allowPrivateMediaUrls?: boolean | undefined;
};

/**
 * WhatsApp out: the send service (checks, idempotency, queueing), the send worker (pacing,
 * retries, reconcile, mark-read), the media agents upload to send, and the contacts they write
 * to; their routes, and `start`/`stop`/`idle`.
 */
export function createOutboundModule(deps: OutboundDeps) {
  const { db, clock, jobs, graph, mediaStore } = deps;
  let log: FastifyBaseLogger | undefined;
  const worker = createSendWorker(
    {
      db,
      clock,
      graph,
      jobs,
      mediaStore,
      credentials: deps.accounts.credentials,
      namespace: deps.jobNamespace,
      log: {
        info: (o, m) => log?.info(o, m),
        warn: (o, m) => log?.warn(o, m),
        error: (o, m) => log?.error(o, m),
      },
    },
    deps.sendQueue,
  );
  const mediaUrls = { allowPrivate: deps.allowPrivateMediaUrls ?? false };
  // Parley's copies of media sent by URL (the send itself goes to Meta as a link, unwaiting).
  const mediaUrlWorker = createWorker<MediaUrlPayload>({
    queue: MEDIA_URL_QUEUE,
    jobs,
    handler: createMediaUrlJob({ db, clock, store: mediaStore, fetch: mediaUrls }),
    concurrency: 4,
    onError: (e) => log?.error({ err: e }, 'media URL worker error'),
  });
  const sends = createSendService({
    db,
    clock,
    jobs,
    quota: deps.quota,
    mediaUrls,
    onQueued: () => {
      worker.wake();
      mediaUrlWorker.wake();
    },
  });
  const uploads = createMediaUploads({ db, clock, store: mediaStore });
  const contacts = createContactService({ db, clock });

  return {
    services: { sends, uploads, contacts, sendWorker: worker },
    /** Registers the outbound REST routes on `api` (the /api/v1 scope). */
    registerApi: async (api: FastifyInstance) => {
      await api.register(sendRoutes, { sends });
      await api.register(mediaUploadRoutes, { prefix: '/media', uploads });
      await api.register(contactRoutes, { prefix: '/contacts', contacts });
    },
    start: (logger: FastifyBaseLogger) => {
      log = logger;
      worker.start();
      mediaUrlWorker.start();
    },
    stop: async () => {
      await Promise.all([worker.stop(), mediaUrlWorker.stop()]);
    },
    /** Resolves when no send, reconcile, mark-read or media-copy work is due or in flight. */
    idle: async () => {
      await worker.idle();
      await mediaUrlWorker.idle();
    },
  };
}

/** The outbound module's services. */
export type OutboundServices = ReturnType<typeof createOutboundModule>['services'];
