import type { FastifyInstance } from 'fastify';
import { createContext } from './context';
import { createCustomers, type CustomerAction, type CustomersControl } from './customers';
import { createGraphApp, createGraphHttp } from './graph-http';
import { createMedia, type MediaNodeRoute } from './media';
import { createMessages, type MessagesControl } from './messages';
import { createNumbers, phoneJson, type NumbersControl } from './numbers';
import type { CheckedSend } from './send-validation';
import type { EmulatorState, OutboundRecord } from './state';
import { createStatusWebhooks, type StatusDelays, type StatusWebhooksControl } from './status-webhooks';
import { createTemplates, type TemplatesControl } from './templates';
import { createWebhookSender, type DeliveryRecord, type WebhookSender } from './webhook-sender';

// The types callers name, re-exported from the areas that define them: outside code imports the
// emulator from this file.
export type { BatchItem, CustomerAction, CustomerMediaAction } from './customers';
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
  pairRate?: { enabled?: boolean; intervalMs?: number; burst?: number };
  /** Lookaside URL lifetime, default 5 min (digest §6). */
  mediaUrlTtlMs?: number;
  /** Put `url` in inbound media webhooks (2025-11 rollout), default true. */
  mediaUrlInWebhooks?: boolean;
  /** Accept sends to numbers that are not simulated customers (they then fail with 131026 unless true). */
  acceptUnknownRecipients?: boolean;
  /** How long an autopilot customer takes to answer an agent, default 1.5 s. */
  replyDelayMs?: number;
  /** Fastify logger, default off. */
  logger?: boolean;
}

/** Typed control API: set up the world, make customers act, inject faults, observe. */
export interface EmulatorControl
  extends NumbersControl, TemplatesControl, MessagesControl, StatusWebhooksControl, CustomersControl {
  /** Signs and POSTs an arbitrary payload to the number's callback (for hostile tests). */
  deliverRaw(phoneNumberId: string, payload: unknown): Promise<DeliveryRecord | null>;
  outbound(): OutboundRecord[];
  deliveries(): readonly DeliveryRecord[];
  /** Resolves when no webhook is scheduled or in flight. */
  idle(): Promise<void>;
  setPublicUrl(url: string): void;
  readonly state: EmulatorState;
  /**
   * Seeded "autopilot": every `intervalMs` (default 8 s) a random customer writes something
   * (mostly text, sometimes media, a location, a reaction…). Customers listed also answer
   * agents (autoReply). Returns a stop function.
   */
  startAutopilot(cfg: { phoneNumberId: string; intervalMs?: number; customers?: string[] }): () => void;
  /** Registers a hook called after each accepted send (autopilot uses it). */
  onAccepted(hook: (rec: OutboundRecord, checked: CheckedSend | null) => void): () => void;
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
  const replyDelayMs = options.replyDelayMs ?? 1500;
  const acceptedHooks = new Set<(rec: OutboundRecord, checked: CheckedSend | null) => void>();

  const now = options.now ?? Date.now;
  const sender: WebhookSender = createWebhookSender({
    fetch: options.fetch,
    now,
    retryBaseMs: options.webhookRetry?.baseMs,
    retryMaxDelayMs: options.webhookRetry?.maxDelayMs,
    maxAgeMs: options.webhookRetry?.maxAgeMs,
    attemptTimeoutMs: options.webhookRetry?.attemptTimeoutMs,
  });
  const ctx = createContext({ now, seed: options.seed ?? 42, sender });
  const { state, random, later, deliverTo, mustCustomer, mustPhone } = ctx;
  const graph = createGraphHttp(ctx);
  const { authorize } = graph;
  const media = createMedia(ctx, graph, { urlTtlMs: options.mediaUrlTtlMs });
  const numbers = createNumbers(ctx, graph, { fetch: options.fetch });
  const templates = createTemplates(ctx, graph);
  const statuses = createStatusWebhooks(ctx, {
    statusDelays: options.statusDelays,
    autoRead: options.autoRead,
  });

  const customers = createCustomers(ctx, media, { mediaUrlInWebhooks: options.mediaUrlInWebhooks });
  const messages = createMessages(ctx, graph, {
    media,
    scheduleStatuses: statuses.schedule,
    onAccepted: (rec, checked) => {
      for (const h of acceptedHooks) h(rec, checked);
    },
    pairRate: options.pairRate,
    acceptUnknownRecipients: options.acceptUnknownRecipients,
  });

  // ---------- the app ----------
  const app = createGraphApp(graph, { logger: options.logger });
  messages.register(app);

  media.register(app);

  // A phone number and a media object are both read at GET /{id}; Graph tells them apart by id.
  app.get<MediaNodeRoute>('/:version/:id', async (req, reply) => {
    const phone = state.phoneNumbers.get(req.params.id);
    if (!phone) return media.retrieve(req, reply);
    if (!authorize(req, reply, phone.wabaId)) return reply;
    return reply.send(phoneJson(phone));
  });

  templates.register(app);
  numbers.register(app);

  // ---------- control API ----------
  const control: EmulatorControl = {
    ...numbers.control,
    ...customers,
    ...messages.control,
    ...statuses.control,
    ...templates.control,
    state,
    deliverRaw(phoneNumberId, payload) {
      return deliverTo(mustPhone(phoneNumberId), payload);
    },
    outbound: () => [...state.outbound.values()],
    deliveries: () => sender.log(),
    idle: () => sender.idle(),
    setPublicUrl(url) {
      ctx.publicUrl = url.replace(/\/$/, '');
    },
    startAutopilot(cfg) {
      const phone = mustPhone(cfg.phoneNumberId);
      const who = (cfg.customers ?? [...state.customers.keys()]).map(mustCustomer);
      for (const c of who) c.autoReply = true;
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const lines = [
        'Hi! Is my order on its way?',
        'Do you ship to Lisbon?',
        'مرحبا، هل يمكنني تغيير العنوان؟',
        'Thanks for the quick answer 🙏',
        'Can I pay on delivery?',
        'Olá! Vocês têm o tamanho M?',
        'The package arrived damaged 😞',
      ];
      const tick = () => {
        if (who.length === 0) return;
        const c = pick(who);
        const roll = random();
        const lastOut = [...state.outbound.values()]
          .reverse()
          .find((o) => o.customerPhone === c.phone && o.outcome === 'ok');
        let action: CustomerAction;
        if (roll < 0.6) action = { type: 'text', body: pick(lines) };
        else if (roll < 0.7) action = { type: 'image', caption: 'Here is a photo' };
        else if (roll < 0.75) action = { type: 'audio', voice: true };
        else if (roll < 0.8) action = { type: 'document', filename: 'receipt.pdf' };
        else if (roll < 0.85)
          action = { type: 'location', latitude: 38.7223, longitude: -9.1393, name: 'Lisbon' };
        else if (roll < 0.9) action = { type: 'sticker' };
        else if (lastOut)
          action = { type: 'reaction', messageId: lastOut.wamid, emoji: pick(['👍', '❤️', '😂', '🙏']) };
        else action = { type: 'text', body: pick(lines) };
        control.customerSends(phone.id, c.phone, action);
      };
      return ctx.every(cfg.intervalMs ?? 8000, tick);
    },
    onAccepted(hook) {
      acceptedHooks.add(hook);
      return () => acceptedHooks.delete(hook);
    },
  };

  // Customers with autoReply answer agents: tap a button/row/quick reply, or write back.
  control.onAccepted((rec, checked) => {
    const c = rec.customerPhone ? state.customers.get(rec.customerPhone) : undefined;
    if (!c?.autoReply || !checked || rec.type === 'reaction') return;
    const phone = mustPhone(rec.phoneNumberId);
    const replyTo = { from: phone.displayDigits, id: rec.wamid };
    let action: CustomerAction;
    if (checked.choices?.length) {
      const pick = checked.choices[Math.floor(random() * checked.choices.length)]!;
      action = {
        type: 'interactive',
        reply:
          pick.kind === 'button_reply'
            ? { type: 'button_reply', id: pick.id, title: pick.title }
            : { type: 'list_reply', id: pick.id, title: pick.title, description: pick.description },
      };
    } else if (checked.quickReplies?.length) {
      const pick = checked.quickReplies[Math.floor(random() * checked.quickReplies.length)]!;
      action = { type: 'button', payload: pick.payload, text: pick.text };
    } else {
      const lines = [
        'Thanks!',
        'Ok, got it 👍',
        'Can you tell me more?',
        'Perfect, thank you',
        'When will it arrive?',
      ];
      action = { type: 'text', body: lines[Math.floor(random() * lines.length)]! };
    }
    later(replyDelayMs, () => {
      if (state.customers.has(c.phone)) control.customerSends(phone.id, c.phone, action, { replyTo });
    });
  });

  return {
    app,
    control,
    async listen(port = 0) {
      const address = await app.listen({ host: '127.0.0.1', port });
      control.setPublicUrl(address);
      return address;
    },
    async close() {
      ctx.clearTimers();
      sender.close();
      await app.close();
    },
  };
}
