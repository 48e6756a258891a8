// Simulated WhatsApp users (digest §2): they send every inbound type, with small generated media
// files stored as received media, reply context, forwarding and referral data; BSUID and
// username users whose phone is hidden; batched POSTs and scripted conversations. Each user
// message opens the 24 h window that outbound free-form messages need.
import type { EmulatorContext } from './context';
import { buildInboundMessage, type InboundDecorations, type InboundSpec } from './inbound-builders';
import { RECEIVED_MEDIA_TTL_MS, type MediaArea } from './media';
import {
  generateJpeg,
  generateMp4,
  generateOggOpus,
  generatePdf,
  generatePng,
  WEBP_1X1,
} from './media-samples';
import { phoneDigits, type EmulatorCustomer, type EmulatorPhoneNumber } from './state';
import {
  buildEnvelope,
  buildMessagesEntry,
  buildStatus,
  buildWebhookContact,
  type InboundSender,
  type StatusSpec,
} from './webhook-builders';
import type { DeliveryRecord } from './webhook-sender';

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

/** The customers part of the control API. */
export interface CustomersControl {
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
  /** Plays a scripted conversation: each step after `afterMs`. */
  runScript(
    phoneNumberId: string,
    customer: string,
    steps: { afterMs: number; action: CustomerAction; decorations?: InboundDecorations }[],
  ): Promise<string[]>;
}

function senderOf(c: EmulatorCustomer): InboundSender {
  return {
    waId: c.hidePhone ? undefined : c.waId,
    userId: c.userId ?? undefined,
    profileName: c.name,
    username: c.username ?? undefined,
  };
}

/**
 * Creates the simulated customers. Their media go to `media`; inbound media webhooks carry a
 * download `url` unless `mediaUrlInWebhooks` is false (Meta's 2025-11 rollout).
 */
export function createCustomers(
  ctx: EmulatorContext,
  media: Pick<MediaArea, 'store' | 'downloadUrl'>,
  opts: { mediaUrlInWebhooks?: boolean },
): CustomersControl {
  const { state, now, random, mustPhone, mustCustomer, numberRef, deliverTo } = ctx;

  /** Turns a media action into an inbound spec: the bytes (generated unless given) are stored. */
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
      opts.mediaUrlInWebhooks !== false && ctx.publicUrl ? media.downloadUrl(m, ctx.publicUrl) : undefined;
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

  /** The `messages[]` item and `contacts[]` item of one customer message, recorded as inbound. */
  function buildCustomerMessage(
    phone: EmulatorPhoneNumber,
    c: EmulatorCustomer,
    action: CustomerAction,
    decorations: InboundDecorations | undefined,
  ) {
    const wamid = ctx.newWamid();
    const spec = materialize(phone, action);
    const message = buildInboundMessage(
      spec,
      { wamid, timestampSeconds: ctx.nowSeconds(), sender: senderOf(c) },
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

  const control: CustomersControl = {
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
    async runScript(phoneNumberId, customer, steps) {
      const wamids: string[] = [];
      for (const step of steps) {
        await new Promise<void>((r) => ctx.later(step.afterMs, r));
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
  };
  return control;
}
