import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Clock } from '../../lib/clock';
import { createContactService } from '../../domain/contacts/contact-service';
import { createMediaUploads } from '../../domain/media/media-upload';
import { createSendService } from '../../domain/messages/send-service';
import { contactRoutes } from '../../http/contacts/routes';
import { mediaUploadRoutes } from '../../http/media/upload-routes';
import { sendRoutes } from '../../http/messages/send-routes';
import { createSendWorker, type SendWorkerOptions } from '../../jobs/send-worker';
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
  const sends = createSendService({ db, clock, jobs, onQueued: () => worker.wake() });
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
    },
    stop: () => worker.stop(),
    /** Resolves when no send, reconcile or mark-read work is due or in flight. */
    idle: () => worker.idle(),
  };
}

/** The outbound module's services. */
export type OutboundServices = ReturnType<typeof createOutboundModule>['services'];
