// The emulator's composition and its public face: buildMetaEmulator() wires the shared runtime
// (context.ts) into the Graph areas — messages, media, templates, numbers — the status
// callbacks, the simulated customers and the autopilot, registers their routes on one Fastify
// app and merges their parts of the control API. Behaviour lives in those modules.
import type { FastifyInstance } from 'fastify';
import { createAutopilot, type AutopilotControl } from './autopilot';
import { createContext } from './context';
import { createCustomers, type CustomersControl } from './customers';
import { createGraphApp, createGraphHttp } from './graph-http';
import { createMedia, type DownloadFault, type MediaNodeRoute } from './media';
import { createMessages, type MessagesControl, type PairRate } from './messages';
import { createNumbers, phoneJson, type NumbersControl } from './numbers';
import type { EmulatorState, OutboundRecord } from './state';
import { createStatusWebhooks, type StatusDelays, type StatusWebhooksControl } from './status-webhooks';
import {
  createResumableUploads,
  isUploadId,
  type OpenSessionRoute,
  type UploadedFile,
} from './resumable-uploads';
import { createTemplates, type TemplatesControl } from './templates';
import { createWebhookSender, type DeliveryRecord } from './webhook-sender';

// The types callers name, re-exported from the areas that define them: outside code imports the
// emulator from this file.
export type { BatchItem, CustomerAction, CustomerMediaAction } from './customers';
export type { DownloadFault } from './media';
export type { SendFault } from './messages';
export type { StatusDelays, StatusFaults } from './status-webhooks';

/** Options of {@link buildMetaEmulator}. Time, randomness and network are injectable. */
export interface MetaEmulatorOptions {
  /** Clock in ms (status timestamps, the 24 h window, rate limits, URL expiry). */
  now?: () => number;
  /** Seed of the PRNG behind ids and autopilot choices. */
  seed?: number;
  /** fetch used to POST webhooks to Parley. */
  fetch?: typeof globalThis.fetch;
  webhookRetry?: { baseMs?: number; maxDelayMs?: number; maxAgeMs?: number; attemptTimeoutMs?: number };
  /** Default 200 ms / 1 s / 3 s; tests use 0. */
  statusDelays?: Partial<StatusDelays>;
  /** Whether customers read what they receive (→ `read` statuses). Default true. */
  autoRead?: boolean;
  /** 1 message / 6 s per recipient with a burst of 45 (digest §9). `enabled: false` for throughput tests. */
  pairRate?: PairRate;
  /** Lookaside URL lifetime, default 5 min (digest §6). */
  mediaUrlTtlMs?: number;
  /** Put `url` in inbound media webhooks (2025-11 rollout), default true. */
  mediaUrlInWebhooks?: boolean;
  /** Accept sends to numbers that are not simulated customers (they then fail with 131026 unless true). */
  acceptUnknownRecipients?: boolean;
  /** How long an autopilot customer takes to answer an agent, default 1.5 s. */
  replyDelayMs?: number;
  /** How long Meta's review of a created template takes before its status webhook, default 1.5 s. */
  templateReviewMs?: number;
  /** Fastify logger, default off. */
  logger?: boolean;
}

/** Typed control API: set up the world, make customers act, inject faults, observe. */
export interface EmulatorControl
  extends
    NumbersControl,
    TemplatesControl,
    MessagesControl,
    StatusWebhooksControl,
    CustomersControl,
    AutopilotControl {
  /** Signs and POSTs an arbitrary payload to the number's callback (for hostile tests). */
  deliverRaw(phoneNumberId: string, payload: unknown): Promise<DeliveryRecord | null>;
  /** Faults for the next lookaside media downloads, one each, in order (see `DownloadFault`). */
  injectDownloadFaults(faults: DownloadFault[]): void;
  /** Lookaside media downloads answered so far. */
  downloadCount(): number;
  /** A file finished through the Resumable Upload API, by its handle `h`, or null. */
  uploadedFile(handle: string): UploadedFile | null;
  outbound(): OutboundRecord[];
  deliveries(): readonly DeliveryRecord[];
  /** Resolves when no webhook is scheduled or in flight. */
  idle(): Promise<void>;
  readonly state: EmulatorState;
}

/** The emulator: a Fastify app (not listening), its control API and a closer. */
export interface MetaEmulator {
  app: FastifyInstance;
  control: EmulatorControl;
  /** Listens on 127.0.0.1 (port 0 by default), sets the public URL, returns it. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds the Meta emulator: Graph API routes (digest §12) plus a Meta-like webhook sender and
 * simulated customers. Nothing listens until `listen()` (or `app.listen`) is called.
 */
export function buildMetaEmulator(options: MetaEmulatorOptions = {}): MetaEmulator {
  const now = options.now ?? Date.now;
  const sender = createWebhookSender({
    fetch: options.fetch,
    now,
    retryBaseMs: options.webhookRetry?.baseMs,
    retryMaxDelayMs: options.webhookRetry?.maxDelayMs,
    maxAgeMs: options.webhookRetry?.maxAgeMs,
    attemptTimeoutMs: options.webhookRetry?.attemptTimeoutMs,
  });
  const ctx = createContext({ now, seed: options.seed ?? 42, sender });
  const { state } = ctx;
  const graph = createGraphHttp(ctx);
  const media = createMedia(ctx, graph, { urlTtlMs: options.mediaUrlTtlMs });
  const numbers = createNumbers(ctx, graph, { fetch: options.fetch });
  const uploads = createResumableUploads(ctx, graph);
  const templates = createTemplates(ctx, graph, { reviewDelayMs: options.templateReviewMs, uploads });
  const statuses = createStatusWebhooks(ctx, {
    statusDelays: options.statusDelays,
    autoRead: options.autoRead,
  });
  const customers = createCustomers(ctx, media, { mediaUrlInWebhooks: options.mediaUrlInWebhooks });
  const autopilot = createAutopilot(ctx, customers, { replyDelayMs: options.replyDelayMs });
  const messages = createMessages(ctx, graph, {
    media,
    scheduleStatuses: statuses.schedule,
    onAccepted: autopilot.answerAgent,
    pairRate: options.pairRate,
    acceptUnknownRecipients: options.acceptUnknownRecipients,
  });

  const app = createGraphApp(graph, { logger: options.logger });
  messages.register(app);
  media.register(app);
  // A phone number and a media object are both read at GET /{id}; Graph tells them apart by id.
  app.get<MediaNodeRoute>('/:version/:id', async (req, reply) => {
    if (isUploadId(req.params.id)) return uploads.status(req, reply);
    const phone = state.phoneNumbers.get(req.params.id);
    if (!phone) return media.retrieve(req, reply);
    if (!graph.authorize(req, reply, phone.wabaId)) return reply;
    return reply.send(phoneJson(phone));
  });
  templates.register(app);
  numbers.register(app);
  app.post<OpenSessionRoute>('/:version/:id/uploads', (req, reply) => uploads.open(req, reply));

  const control: EmulatorControl = {
    ...numbers.control,
    ...templates.control,
    ...messages.control,
    ...statuses.control,
    ...customers,
    ...autopilot.control,
    injectDownloadFaults: media.injectDownloadFaults,
    downloadCount: media.downloadCount,
    uploadedFile: uploads.byHandle,
    deliverRaw: (phoneNumberId, payload) => ctx.deliverTo(ctx.mustPhone(phoneNumberId), payload),
    outbound: () => [...state.outbound.values()],
    deliveries: () => sender.log(),
    idle: () => sender.idle(),
    state,
  };

  return {
    app,
    control,
    async listen(port = 0) {
      const address = await app.listen({ host: '127.0.0.1', port });
      ctx.publicUrl = address.replace(/\/$/, '');
      return address;
    },
    async close() {
      ctx.clearTimers();
      media.releaseHeld();
      sender.close();
      await app.close();
    },
  };
}
