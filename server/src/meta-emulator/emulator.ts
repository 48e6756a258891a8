import type { FastifyInstance } from 'fastify';
import { createContext, DAY } from './context';
import { createGraphApp, createGraphHttp } from './graph-http';
import { createMedia, RECEIVED_MEDIA_TTL_MS, type MediaNodeRoute } from './media';
import {
  generateJpeg,
  generateMp4,
  generateOggOpus,
  generatePdf,
  generatePng,
  WEBP_1X1,
} from './media-samples';
import { createNumbers, phoneJson, type NumbersControl } from './numbers';
import { checkSend, type CheckedSend } from './send-validation';
import {
  PairBucket,
  SlidingWindow,
  phoneDigits,
  type EmulatorCustomer,
  type EmulatorPhoneNumber,
  type EmulatorState,
  type OutboundRecord,
} from './state';
import { createStatusWebhooks, type StatusDelays, type StatusWebhooksControl } from './status-webhooks';
import { createTemplates, type TemplatesControl } from './templates';
import {
  buildEnvelope,
  buildInboundMessage,
  buildMessagesEntry,
  buildStatus,
  buildWebhookContact,
  type InboundDecorations,
  type InboundSender,
  type InboundSpec,
  type StatusSpec,
} from './webhook-builders';
import { createWebhookSender, type DeliveryRecord, type WebhookSender } from './webhook-sender';

// The types callers name, re-exported from the areas that define them: outside code imports the
// emulator from this file.
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

/** A fault to apply to upcoming sends (POST …/messages). */
export type SendFault =
  /** Accept the send (wamid, statuses) but destroy the connection before answering: ambiguous. */
  | { kind: 'drop_response'; count: number }
  /** Answer with Meta's error for `code` (e.g. 130429, 131056, 190, 131000, 133004). */
  | { kind: 'error'; code: number; count: number; httpStatus?: number; subcode?: number }
  /** Answer a bare HTTP status without Meta's error object (e.g. a 502 from a proxy). */
  | { kind: 'http_status'; status: number; count: number };

/** A customer's media message; bytes are generated unless given. */
export interface CustomerMediaAction {
  type: 'image' | 'video' | 'audio' | 'document' | 'sticker';
  caption?: string;
  filename?: string;
  voice?: boolean;
  animated?: boolean;
  bytes?: Buffer;
  mimeType?: string;
}

/** What a customer can send. */
export type CustomerAction =
  Exclude<InboundSpec, { type: 'image' | 'video' | 'audio' | 'document' | 'sticker' }> | CustomerMediaAction;

const isMediaAction = (a: CustomerAction): a is CustomerMediaAction =>
  ['image', 'video', 'audio', 'document', 'sticker'].includes(a.type);

/** One item of a batched webhook POST. */
export type BatchItem =
  | {
      kind: 'message';
      phoneNumberId: string;
      customer: string;
      action: CustomerAction;
      decorations?: InboundDecorations;
    }
  | { kind: 'status'; phoneNumberId: string; status: StatusSpec };

/** Typed control API: set up the world, make customers act, inject faults, observe. */
export interface EmulatorControl extends NumbersControl, TemplatesControl, StatusWebhooksControl {
  addCustomer(input: {
    phone: string;
    waId?: string;
    userId?: string;
    name: string;
    username?: string;
    hidePhone?: boolean;
    autoReply?: boolean;
  }): EmulatorCustomer;
  /** Sets (or clears with null) the customer's last inbound time: opens/closes the 24 h window. */
  setLastInbound(phoneNumberId: string, customer: string, at: number | null): void;
  /** A customer sends a message: media is stored, the window refreshed, the webhook POSTed. */
  customerSends(
    phoneNumberId: string,
    customer: string,
    action: CustomerAction,
    decorations?: InboundDecorations,
  ): { wamid: string; delivery: Promise<DeliveryRecord | null> };
  /** Several messages/statuses in as few POSTs as possible (one per callback URL). */
  deliverBatch(items: BatchItem[]): Promise<DeliveryRecord[]>;
  /** Signs and POSTs an arbitrary payload to the number's callback (for hostile tests). */
  deliverRaw(phoneNumberId: string, payload: unknown): Promise<DeliveryRecord | null>;
  /** Plays a scripted conversation: each step after `afterMs`. */
  runScript(
    phoneNumberId: string,
    customer: string,
    steps: { afterMs: number; action: CustomerAction; decorations?: InboundDecorations }[],
  ): Promise<string[]>;
  injectSendFault(fault: SendFault): void;
  setPairRate(cfg: { enabled?: boolean; intervalMs?: number; burst?: number }): void;
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
  const pair = { enabled: true, intervalMs: 6000, burst: 45, ...options.pairRate };
  const replyDelayMs = options.replyDelayMs ?? 1500;
  const sendFaults: SendFault[] = [];
  const windows = new Map<string, SlidingWindow>();
  const pairBuckets = new Map<string, PairBucket>();
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
  const {
    state,
    random,
    newWamid,
    nowSeconds,
    later,
    deliverTo,
    numberRef,
    findCustomer,
    mustCustomer,
    mustPhone,
  } = ctx;
  const graph = createGraphHttp(ctx);
  const { fail, authorize, objectMissing } = graph;
  const media = createMedia(ctx, graph, { urlTtlMs: options.mediaUrlTtlMs });
  const numbers = createNumbers(ctx, graph, { fetch: options.fetch });
  const templates = createTemplates(ctx, graph);
  const statuses = createStatusWebhooks(ctx, {
    statusDelays: options.statusDelays,
    autoRead: options.autoRead,
  });

  // ---------- customers ----------
  function senderOf(c: EmulatorCustomer): InboundSender {
    return {
      waId: c.hidePhone ? undefined : c.waId,
      userId: c.userId ?? undefined,
      profileName: c.name,
      username: c.username ?? undefined,
    };
  }

  function materialize(phone: EmulatorPhoneNumber, action: CustomerAction): InboundSpec {
    if (!isMediaAction(action)) return action;
    const a = action;
    const gen: Record<string, () => [Buffer, string]> = {
      image: () =>
        random() < 0.5
          ? [generateJpeg(), 'image/jpeg']
          : [
              generatePng(8, 8, [
                Math.floor(random() * 256),
                Math.floor(random() * 256),
                Math.floor(random() * 256),
              ]),
              'image/png',
            ],
      video: () => [generateMp4(), 'video/mp4'],
      audio: () =>
        a.voice ? [generateOggOpus(), 'audio/ogg; codecs=opus'] : [generateOggOpus(), 'audio/ogg'],
      document: () => [generatePdf(a.filename ?? 'Document'), 'application/pdf'],
      sticker: () => [WEBP_1X1, 'image/webp'],
    };
    const [bytes, mimeType] = a.bytes ? [a.bytes, a.mimeType ?? 'application/octet-stream'] : gen[a.type]!();
    const m = media.store(phone.id, bytes, a.mimeType ?? mimeType, a.filename ?? null, RECEIVED_MEDIA_TTL_MS);
    const url =
      options.mediaUrlInWebhooks !== false && ctx.publicUrl ? media.downloadUrl(m, ctx.publicUrl) : undefined;
    const stored = { mediaId: m.id, mimeType: m.mimeType, sha256: m.sha256Base64, url };
    switch (a.type) {
      case 'image':
      case 'video':
        return { type: a.type, caption: a.caption, ...stored };
      case 'audio':
        return { type: 'audio', voice: a.voice ?? false, ...stored };
      case 'document':
        return { type: 'document', caption: a.caption, filename: a.filename ?? 'document.pdf', ...stored };
      case 'sticker':
        return { type: 'sticker', animated: a.animated ?? false, ...stored };
    }
  }

  function buildCustomerMessage(
    phone: EmulatorPhoneNumber,
    c: EmulatorCustomer,
    action: CustomerAction,
    decorations: InboundDecorations | undefined,
  ) {
    const wamid = newWamid();
    const spec = materialize(phone, action);
    const message = buildInboundMessage(
      spec,
      { wamid, timestampSeconds: nowSeconds(), sender: senderOf(c) },
      decorations,
    );
    // Every user message opens/refreshes the 24 h window (digest §4.4); system notices do not.
    if (spec.type !== 'system') c.lastInboundAt.set(phone.id, now());
    state.inbound.set(wamid, {
      wamid,
      phoneNumberId: phone.id,
      customerPhone: c.phone,
      type: spec.type,
      at: now(),
      read: false,
    });
    return { wamid, message, contact: spec.type === 'system' ? null : buildWebhookContact(senderOf(c)) };
  }

  // ---------- the app ----------
  const app = createGraphApp(graph, { logger: options.logger });

  app.post<{ Params: { version: string; id: string } }>('/:version/:id/messages', async (req, reply) => {
    const phone = state.phoneNumbers.get(req.params.id);
    if (!authorize(req, reply, phone ? phone.wabaId : null)) return reply;
    if (!phone) return objectMissing(reply, req.params.id);

    const fault = sendFaults[0];
    let dropResponse = false;
    if (fault) {
      if (--fault.count <= 0) sendFaults.shift();
      if (fault.kind === 'error')
        return fail(reply, fault.code, {
          status: fault.httpStatus,
          subcode: fault.subcode,
          details: 'Injected by the emulator',
        });
      if (fault.kind === 'http_status')
        return reply.code(fault.status).type('text/html').send('<html><body>Bad Gateway</body></html>');
      dropResponse = true;
    }

    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body) || body.__invalidJson) {
      return fail(reply, 100, { title: 'Invalid parameter', details: 'Request body must be a JSON object' });
    }
    if (body.messaging_product !== 'whatsapp') {
      // Meta returns this one without error_data (digest §5.2).
      return fail(reply, 100, { title: 'The parameter messaging_product is required.' });
    }

    // Mark as read (+ typing indicator) — not a message, not rate-limited like one.
    if (body.status !== undefined) {
      if (body.status !== 'read' || typeof body.message_id !== 'string') {
        return fail(reply, 100, {
          title: 'Invalid parameter',
          details: 'status must be "read" with a message_id',
        });
      }
      const inbound = state.inbound.get(body.message_id);
      if (!inbound || inbound.phoneNumberId !== phone.id) {
        return fail(reply, 100, {
          title: 'Invalid parameter',
          details: `Invalid message_id ${body.message_id}`,
        });
      }
      for (const m of state.inbound.values()) {
        if (m.customerPhone === inbound.customerPhone && m.phoneNumberId === phone.id && m.at <= inbound.at)
          m.read = true;
      }
      return reply.send({ success: true });
    }

    let window = windows.get(phone.id);
    if (!window) windows.set(phone.id, (window = new SlidingWindow()));
    if (!window.tryHit(now(), phone.mpsLimit)) {
      return fail(reply, 130429, {
        details: `Message failed to send because there were too many messages sent from this phone number in a short period of time (${phone.mpsLimit} mps).`,
      });
    }

    const to = typeof body.to === 'string' ? body.to : null;
    const recipient = typeof body.recipient === 'string' ? body.recipient : null;
    if (!to && !recipient)
      return fail(reply, 100, { title: 'Invalid parameter', details: 'The parameter to is required.' });

    const waba = state.wabas.get(phone.wabaId)!;
    const checked = checkSend(body, {
      findTemplates: (name) => waba.templates.filter((t) => t.name === name),
      mediaExists: (id) => media.live(id) !== null,
    });
    if ('violation' in checked) {
      const code = checked.violation.code;
      return fail(reply, code, {
        details: checked.violation.details,
        title: code === 100 ? 'Invalid parameter' : undefined,
      });
    }
    const c = checked.checked;
    if (typeof body.biz_opaque_callback_data === 'string' && body.biz_opaque_callback_data.length > 512) {
      return fail(reply, 100, {
        title: 'Invalid parameter',
        details: 'biz_opaque_callback_data must be at most 512 characters',
      });
    }

    // `to` wins when both are given (digest §2.4).
    const customer = to ? findCustomer(to) : findCustomer(recipient!);
    if (to && phoneDigits(to) === phone.displayDigits) {
      return fail(reply, 131021, { details: 'Recipient phone number cannot be the sender phone number' });
    }
    if (!to && c.template?.category === 'AUTHENTICATION') {
      return fail(reply, 131062, {
        details: 'Authentication templates cannot be sent to a business-scoped user id',
      });
    }

    if (customer && pair.enabled) {
      const key = `${phone.id}:${customer.phone}`;
      let bucket = pairBuckets.get(key);
      if (!bucket) pairBuckets.set(key, (bucket = new PairBucket(pair.burst, pair.intervalMs, now())));
      if (!bucket.tryTake(now())) {
        return fail(reply, 131056, {
          details:
            'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
        });
      }
    }

    let outcome: OutboundRecord['outcome'] = 'ok';
    if (!customer && !options.acceptUnknownRecipients) outcome = { failedCode: 131026 };
    else if (customer && !c.isTemplate) {
      const last = customer.lastInboundAt.get(phone.id);
      if (last === undefined || now() - last > DAY) outcome = { failedCode: 131047 };
    }
    if (outcome === 'ok' && c.reactionTarget) {
      const target = state.inbound.get(c.reactionTarget) ?? state.outbound.get(c.reactionTarget);
      const targetAt = target ? ('at' in target ? target.at : target.acceptedAt) : undefined;
      if (targetAt === undefined || now() - targetAt > 30 * DAY) outcome = { failedCode: 131009 };
    }

    const rec: OutboundRecord = {
      wamid: newWamid(),
      phoneNumberId: phone.id,
      customerPhone: customer?.phone ?? null,
      to: to ?? recipient!,
      type: c.type,
      body,
      bizOpaqueCallbackData:
        typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : null,
      acceptedAt: now(),
      outcome,
      responseDropped: dropResponse,
    };
    state.outbound.set(rec.wamid, rec);
    const category = c.template ? c.template.category.toLowerCase() : 'service';
    statuses.schedule(rec, req.params.version, category);
    if (outcome === 'ok') for (const h of acceptedHooks) h(rec, c);

    if (dropResponse) {
      // The request was accepted; the caller never learns it. Its only way to find out is the
      // status webhook carrying biz_opaque_callback_data.
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    }
    const contact: Record<string, string> = { input: to ?? recipient! };
    if (to) contact.wa_id = customer?.waId ?? phoneDigits(to);
    else if (customer?.userId) contact.user_id = customer.userId;
    const message: Record<string, string> = { id: rec.wamid };
    if (c.isTemplate) message.message_status = 'accepted';
    return reply.send({ messaging_product: 'whatsapp', contacts: [contact], messages: [message] });
  });

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
    ...statuses.control,
    ...templates.control,
    state,
    addCustomer(input) {
      const phone = phoneDigits(input.phone);
      const c: EmulatorCustomer = {
        phone,
        waId: input.waId ?? phone,
        userId: input.userId ?? null,
        name: input.name,
        username: input.username ?? null,
        hidePhone: input.hidePhone ?? false,
        lastInboundAt: new Map(),
        autoReply: input.autoReply ?? false,
      };
      state.customers.set(phone, c);
      return c;
    },
    setLastInbound(phoneNumberId, customer, at) {
      const c = mustCustomer(customer);
      if (at === null) c.lastInboundAt.delete(phoneNumberId);
      else c.lastInboundAt.set(phoneNumberId, at);
    },
    customerSends(phoneNumberId, customer, action, decorations) {
      const phone = mustPhone(phoneNumberId);
      const c = mustCustomer(customer);
      const { wamid, message, contact } = buildCustomerMessage(phone, c, action, decorations);
      const payload = buildEnvelope([
        buildMessagesEntry(numberRef(phone), { contacts: contact ? [contact] : [], messages: [message] }),
      ]);
      return { wamid, delivery: deliverTo(phone, payload) };
    },
    async deliverBatch(items) {
      // Group by callback so one POST carries everything addressed to the same app endpoint.
      const groups = new Map<
        string,
        {
          phone: EmulatorPhoneNumber;
          entries: Map<string, { contacts: unknown[]; messages: unknown[]; statuses: unknown[] }>;
        }
      >();
      for (const item of items) {
        const phone = mustPhone(item.phoneNumberId);
        if (!phone.webhook) continue;
        const key = `${phone.webhook.callbackUrl}\n${phone.webhook.appSecret}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { phone, entries: new Map() }));
        let e = g.entries.get(phone.id);
        if (!e) g.entries.set(phone.id, (e = { contacts: [], messages: [], statuses: [] }));
        if (item.kind === 'message') {
          const c = mustCustomer(item.customer);
          const built = buildCustomerMessage(phone, c, item.action, item.decorations);
          e.messages.push(built.message);
          if (built.contact && !e.contacts.some((x) => JSON.stringify(x) === JSON.stringify(built.contact)))
            e.contacts.push(built.contact);
        } else e.statuses.push(buildStatus(item.status));
      }
      const out: DeliveryRecord[] = [];
      for (const g of groups.values()) {
        const entries = [...g.entries.entries()].map(([id, v]) =>
          buildMessagesEntry(numberRef(mustPhone(id)), {
            contacts: v.contacts as Record<string, unknown>[],
            messages: v.messages as Record<string, unknown>[],
            statuses: v.statuses as Record<string, unknown>[],
          }),
        );
        const rec = await deliverTo(g.phone, buildEnvelope(entries));
        if (rec) out.push(rec);
      }
      return out;
    },
    deliverRaw(phoneNumberId, payload) {
      return deliverTo(mustPhone(phoneNumberId), payload);
    },
    async runScript(phoneNumberId, customer, steps) {
      const wamids: string[] = [];
      for (const step of steps) {
        await new Promise<void>((r) => later(step.afterMs, r));
        const { wamid, delivery } = control.customerSends(
          phoneNumberId,
          customer,
          step.action,
          step.decorations,
        );
        wamids.push(wamid);
        await delivery;
      }
      return wamids;
    },
    injectSendFault(fault) {
      if (fault.count > 0) sendFaults.push({ ...fault });
    },
    setPairRate(cfg) {
      Object.assign(pair, cfg);
      pairBuckets.clear();
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
