import {
  AccountUpdateValue,
  MessagesValue,
  PhoneQualityValue,
  TemplateStatusValue,
  WebhookStatus,
  parseInboundMessage,
  type InboundMessage,
  type MessageContext,
  type MessageReferral,
  type WebhookContact,
  type WebhookEnvelope,
  type WebhookErrorItem,
} from './webhook-payload';

// Pure mapping from Meta's webhook envelope to a flat list of domain events. Each event carries
// what routes it to a tenant: `phoneNumberId` for messages/statuses/value errors, `wabaId`
// (entry.id) for account-level changes. Nothing here touches storage or the clock.

/** A Meta error as carried by statuses, unsupported messages and value.errors. */
export interface MetaErrorDetail {
  code: number;
  title: string | null;
  message: string | null;
  details: string | null;
}

/** Media attached to an inbound image/video/audio/document/sticker. */
export interface InboundMedia {
  /** Meta media id; fetch with GET /<media-id> (valid 7 days for received media). */
  mediaId: string;
  mimeType: string;
  /** Opaque: base64 in webhooks, hex in media retrieve (digest §10.8). */
  sha256: string | null;
  caption: string | null;
  fileName: string | null;
  /** Audio recorded as a voice note (missing flag = false). */
  voice: boolean;
  animated: boolean;
  /** Direct download URL (2025-11 rollout; needs the bearer token, expires in minutes). */
  url: string | null;
}

/** One shared contact card of a `contacts` message. */
export interface ContactCard {
  formattedName: string | null;
  firstName: string | null;
  lastName: string | null;
  phones: { phone: string | null; waId: string | null; type: string | null }[];
  emails: { email: string | null; type: string | null }[];
  organization: string | null;
  birthday: string | null;
  urls: string[];
}

/** The typed body of an inbound message, discriminated by `type`. */
export type InboundContent =
  | { type: 'text'; body: string }
  | ({ type: 'image' | 'video' | 'audio' | 'document' | 'sticker' } & InboundMedia)
  | {
      type: 'location';
      latitude: number;
      longitude: number;
      name: string | null;
      address: string | null;
      url: string | null;
    }
  | { type: 'contacts'; cards: ContactCard[] }
  | {
      type: 'interactive';
      kind: 'button_reply' | 'list_reply' | 'nfm_reply';
      /** Reply id we set on the button/row; null for flow replies. */
      id: string | null;
      title: string | null;
      description: string | null;
      /** Flow (nfm_reply) response as a JSON string, left unparsed. */
      responseJson: string | null;
    }
  | { type: 'button'; payload: string | null; text: string }
  | { type: 'reaction'; targetWamid: string; emoji: string | null }
  | {
      type: 'order';
      catalogId: string;
      text: string | null;
      items: { productRetailerId: string; quantity: number; itemPrice: number; currency: string }[];
    }
  | {
      type: 'system';
      /** user_changed_number, user_changed_user_id, or a legacy value such as customer_changed_number. */
      systemType: string;
      body: string | null;
      newWaId: string | null;
      newUserId: string | null;
    }
  | {
      type: 'unsupported';
      /** What WhatsApp says the message was (e.g. `edit`, `poll_creation`), or why we could not read it. */
      reason: string;
      /** Meta's error code (131051 unsupported type, 131060 unavailable), null when we rejected it. */
      code: number | null;
      /** The `type` field as received (`unsupported`, `unknown`, or a type we do not know). */
      originalType: string;
    }
  | { type: 'revoke'; originalWamid: string };

/** Type of an inbound message after normalisation. */
export type InboundType = InboundContent['type'];

/** Reply/forward information attached to an inbound message. */
export interface InboundContext {
  /** wamid of the message this one replies to (or that the button/list tapped belonged to). */
  replyToWamid: string | null;
  forwarded: boolean;
  frequentlyForwarded: boolean;
  referredProduct: { catalogId: string; productRetailerId: string } | null;
}

/** Click-to-WhatsApp ad/post the conversation came from. */
export interface InboundReferral {
  sourceUrl: string | null;
  sourceId: string | null;
  sourceType: string | null;
  body: string | null;
  headline: string | null;
  mediaType: string | null;
  imageUrl: string | null;
  videoUrl: string | null;
  thumbnailUrl: string | null;
  ctwaClid: string | null;
  welcomeText: string | null;
}

/** An inbound customer message. Dedupe key: `wamid`. */
export interface InboundMessageEvent {
  kind: 'message';
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wamid: string;
  /** Phone-based WhatsApp id; null when the user hides it behind a username (BSUID rollout). */
  waId: string | null;
  /** Business-scoped user id (e.g. `US.1349…`), null on pre-2026 payloads. */
  userId: string | null;
  parentUserId: string | null;
  /** Best available sender identity: waId, else userId (never empty). */
  from: string;
  profileName: string | null;
  username: string | null;
  /** Meta's timestamp (seconds → Date), not processing time. */
  timestamp: Date;
  type: InboundType;
  content: InboundContent;
  context: InboundContext | null;
  referral: InboundReferral | null;
}

/** Outbound message status values Parley understands. */
export type StatusValue = 'sent' | 'delivered' | 'read' | 'failed' | 'played';

/** A status update for one of our outbound messages. Dedupe key: (wamid, status). */
export interface StatusEvent {
  kind: 'status';
  wabaId: string;
  phoneNumberId: string;
  wamid: string;
  status: StatusValue;
  timestamp: Date;
  recipientId: string | null;
  recipientUserId: string | null;
  /** Echo of the value we set at send time: how an ambiguous send is reconciled. */
  bizOpaqueCallbackData: string | null;
  errors: MetaErrorDetail[];
  pricing: {
    billable: boolean | null;
    pricingModel: string | null;
    type: string | null;
    category: string | null;
  } | null;
  conversation: { id: string | null; originType: string | null; expiresAt: Date | null } | null;
}

/** A template was approved, rejected, paused… (`message_template_status_update`). */
export interface TemplateStatusEvent {
  kind: 'template_status';
  wabaId: string;
  /** Match templates by id: the language in this event may be `en-US` rather than `en_US` (digest §10.9). */
  templateId: string;
  templateName: string;
  language: string;
  event: string;
  reason: string | null;
  category: string | null;
  time: Date | null;
}

/** `account_update`: restrictions, bans, partner changes… */
export interface AccountEvent {
  kind: 'account';
  wabaId: string;
  event: string;
  phoneNumber: string | null;
  /** The whole value, for logging and for event-specific data (restriction_info, ban_info…). */
  raw: Record<string, unknown>;
  time: Date | null;
}

/** `phone_number_quality_update`: messaging-limit tier / throughput changes. */
export interface PhoneQualityEvent {
  kind: 'phone_quality';
  wabaId: string;
  displayPhoneNumber: string;
  event: string;
  limit: string | null;
  time: Date | null;
}

/** `value.errors[]` of a messages change: account/app-level errors for a number. */
export interface WebhookErrorEvent {
  kind: 'webhook_error';
  wabaId: string;
  phoneNumberId: string;
  errors: MetaErrorDetail[];
}

/** Something we received but do not act on; kept so it can be logged and counted. */
export interface IgnoredChange {
  kind: 'ignored';
  wabaId: string;
  field: string;
  phoneNumberId: string | null;
  reason: string;
}

/** An {@link IgnoredChange}: something received that Parley logs and counts but does not act on. */
const ignored = (
  wabaId: string,
  field: string,
  phoneNumberId: string | null,
  reason: string,
): IgnoredChange => ({ kind: 'ignored', wabaId, field, phoneNumberId, reason });

/** Every event normalisation can produce. */
export type WebhookEvent =
  | InboundMessageEvent
  | StatusEvent
  | TemplateStatusEvent
  | AccountEvent
  | PhoneQualityEvent
  | WebhookErrorEvent
  | IgnoredChange;

const STATUS_VALUES = new Set<string>(['sent', 'delivered', 'read', 'failed', 'played']);

const nn = <T>(v: T | undefined | null): T | null => (v === undefined ? null : v);
const fromSeconds = (s: number): Date => new Date(s * 1000);

function toErrorDetail(e: WebhookErrorItem): MetaErrorDetail {
  return {
    code: e.code,
    title: nn(e.title),
    message: nn(e.message),
    details: nn(e.error_data?.details ?? e.details),
  };
}

function toContext(c: MessageContext | undefined): InboundContext | null {
  if (!c) return null;
  return {
    replyToWamid: nn(c.id),
    forwarded: c.forwarded === true,
    frequentlyForwarded: c.frequently_forwarded === true,
    referredProduct: c.referred_product
      ? {
          catalogId: c.referred_product.catalog_id,
          productRetailerId: c.referred_product.product_retailer_id,
        }
      : null,
  };
}

function toReferral(r: MessageReferral | undefined): InboundReferral | null {
  if (!r) return null;
  return {
    sourceUrl: nn(r.source_url),
    sourceId: nn(r.source_id),
    sourceType: nn(r.source_type),
    body: nn(r.body),
    headline: nn(r.headline),
    mediaType: nn(r.media_type),
    imageUrl: nn(r.image_url),
    videoUrl: nn(r.video_url),
    thumbnailUrl: nn(r.thumbnail_url),
    ctwaClid: nn(r.ctwa_clid),
    welcomeText: nn(r.welcome_message?.text),
  };
}

function media(
  type: 'image' | 'video' | 'audio' | 'document' | 'sticker',
  o: { id: string; mime_type: string; sha256?: string; url?: string },
  extra: Partial<Pick<InboundMedia, 'caption' | 'fileName' | 'voice' | 'animated'>>,
): InboundContent {
  return {
    type,
    mediaId: o.id,
    mimeType: o.mime_type,
    sha256: nn(o.sha256),
    url: nn(o.url),
    caption: extra.caption ?? null,
    fileName: extra.fileName ?? null,
    voice: extra.voice ?? false,
    animated: extra.animated ?? false,
  };
}

function unsupportedFrom(m: InboundMessage, reason: string): InboundContent {
  const first = m.errors?.[0];
  return {
    type: 'unsupported',
    reason,
    code: first ? first.code : null,
    originalType: m.type,
  };
}

/** Maps one parsed inbound message to its typed content. Exhaustive over InboundMessage. */
export function toContent(m: InboundMessage): InboundContent {
  switch (m.kind) {
    case 'text':
      return { type: 'text', body: m.object.body };
    case 'image':
    case 'video':
      return media(m.kind, m.object, { caption: m.object.caption });
    case 'audio':
      return media('audio', m.object, { voice: m.object.voice });
    case 'document':
      return media('document', m.object, { caption: m.object.caption, fileName: m.object.filename });
    case 'sticker':
      return media('sticker', m.object, { animated: m.object.animated });
    case 'location':
      return {
        type: 'location',
        latitude: m.object.latitude,
        longitude: m.object.longitude,
        name: nn(m.object.name),
        address: nn(m.object.address),
        url: nn(m.object.url),
      };
    case 'contacts':
      return {
        type: 'contacts',
        cards: m.object.map((c) => ({
          formattedName: nn(c.name?.formatted_name),
          firstName: nn(c.name?.first_name),
          lastName: nn(c.name?.last_name),
          phones: (c.phones ?? []).map((p) => ({ phone: nn(p.phone), waId: nn(p.wa_id), type: nn(p.type) })),
          emails: (c.emails ?? []).map((e) => ({ email: nn(e.email), type: nn(e.type) })),
          organization: nn(c.org?.company),
          birthday: nn(c.birthday),
          urls: (c.urls ?? []).flatMap((u) => (u.url ? [u.url] : [])),
        })),
      };
    case 'interactive': {
      const i = m.object;
      if (i.type === 'button_reply') {
        return {
          type: 'interactive',
          kind: 'button_reply',
          id: i.button_reply.id,
          title: i.button_reply.title,
          description: null,
          responseJson: null,
        };
      }
      if (i.type === 'list_reply') {
        return {
          type: 'interactive',
          kind: 'list_reply',
          id: i.list_reply.id,
          title: i.list_reply.title,
          description: nn(i.list_reply.description),
          responseJson: null,
        };
      }
      return {
        type: 'interactive',
        kind: 'nfm_reply',
        id: null,
        title: nn(i.nfm_reply.name),
        description: nn(i.nfm_reply.body),
        responseJson: nn(i.nfm_reply.response_json),
      };
    }
    case 'button':
      return { type: 'button', payload: nn(m.object.payload), text: m.object.text };
    case 'reaction':
      return {
        type: 'reaction',
        targetWamid: m.object.message_id,
        emoji: m.object.emoji ? m.object.emoji : null,
      };
    case 'order':
      return {
        type: 'order',
        catalogId: m.object.catalog_id,
        text: nn(m.object.text),
        items: m.object.product_items.map((p) => ({
          productRetailerId: p.product_retailer_id,
          quantity: p.quantity,
          itemPrice: p.item_price,
          currency: p.currency,
        })),
      };
    case 'system':
      return {
        type: 'system',
        systemType: m.object.type ?? 'unknown',
        body: nn(m.object.body),
        newWaId: nn(m.object.wa_id ?? m.object.new_wa_id),
        newUserId: nn(m.object.user_id),
      };
    case 'revoke':
      return { type: 'revoke', originalWamid: m.object.original_message_id };
    case 'unsupported':
      return unsupportedFrom(m, m.object.type ?? m.errors?.[0]?.error_data?.details ?? 'unsupported message');
    case 'unknown':
      return unsupportedFrom(m, m.errors?.[0]?.details ?? m.errors?.[0]?.title ?? 'unknown message type');
    case 'unparsed':
      return unsupportedFrom(m, m.reason);
  }
}

function findContact(
  contacts: WebhookContact[] | undefined,
  m: { from?: string; from_user_id?: string },
): WebhookContact | undefined {
  if (!contacts || contacts.length === 0) return undefined;
  const match = contacts.find(
    (c) =>
      (m.from !== undefined && c.wa_id === m.from) ||
      (m.from_user_id !== undefined && c.user_id === m.from_user_id),
  );
  // Single-message notifications carry exactly one contact; if ids disagree (Brazil's 9th
  // digit, digest §2.1) that contact is still the sender.
  return match ?? (contacts.length === 1 ? contacts[0] : undefined);
}

function normalizeMessagesChange(wabaId: string, value: unknown, out: WebhookEvent[]): void {
  const parsed = MessagesValue.safeParse(value);
  if (!parsed.success) {
    out.push(ignored(wabaId, 'messages', null, 'malformed value'));
    return;
  }
  const v = parsed.data;
  const phoneNumberId = v.metadata.phone_number_id;
  const displayPhoneNumber = v.metadata.display_phone_number;

  for (const raw of v.messages ?? []) {
    const m = parseInboundMessage(raw);
    if (!m) {
      out.push(ignored(wabaId, 'messages', phoneNumberId, 'message without id/timestamp/type'));
      continue;
    }
    const contact = findContact(v.contacts, m);
    const waId = m.from ?? contact?.wa_id ?? null;
    const userId = m.from_user_id ?? contact?.user_id ?? null;
    const from = waId ?? userId;
    if (!from) {
      out.push(ignored(wabaId, 'messages', phoneNumberId, `message ${m.id} has no sender`));
      continue;
    }
    const content = toContent(m);
    out.push({
      kind: 'message',
      wabaId,
      phoneNumberId,
      displayPhoneNumber,
      wamid: m.id,
      waId,
      userId,
      parentUserId: m.from_parent_user_id ?? contact?.parent_user_id ?? null,
      from,
      profileName: nn(contact?.profile?.name),
      username: nn(contact?.profile?.username),
      timestamp: fromSeconds(m.timestamp),
      type: content.type,
      content,
      context: toContext(m.context),
      referral: toReferral(m.referral),
    });
  }

  for (const raw of v.statuses ?? []) {
    const s = WebhookStatus.safeParse(raw);
    if (!s.success) {
      out.push(ignored(wabaId, 'messages', phoneNumberId, 'malformed status'));
      continue;
    }
    const st = s.data;
    if (!STATUS_VALUES.has(st.status)) {
      out.push(ignored(wabaId, 'messages', phoneNumberId, `status "${st.status}"`));
      continue;
    }
    out.push({
      kind: 'status',
      wabaId,
      phoneNumberId,
      wamid: st.id,
      status: st.status as StatusValue,
      timestamp: fromSeconds(st.timestamp),
      recipientId: nn(st.recipient_id),
      recipientUserId: nn(st.recipient_user_id),
      bizOpaqueCallbackData: nn(st.biz_opaque_callback_data),
      errors: (st.errors ?? []).map(toErrorDetail),
      pricing: st.pricing
        ? {
            billable: nn(st.pricing.billable),
            pricingModel: nn(st.pricing.pricing_model),
            type: nn(st.pricing.type),
            category: nn(st.pricing.category),
          }
        : null,
      conversation: st.conversation
        ? {
            id: nn(st.conversation.id),
            originType: nn(st.conversation.origin?.type),
            expiresAt:
              st.conversation.expiration_timestamp === undefined
                ? null
                : fromSeconds(st.conversation.expiration_timestamp),
          }
        : null,
    });
  }

  if (v.errors && v.errors.length > 0) {
    out.push({ kind: 'webhook_error', wabaId, phoneNumberId, errors: v.errors.map(toErrorDetail) });
  }
}

/**
 * Flattens a parsed webhook envelope into domain events, in payload order: one per inbound
 * message, status, template/account/quality change or value-level error list. Unknown fields
 * and unreadable items become `ignored` events rather than failing the batch.
 */
export function normalizeWebhook(envelope: WebhookEnvelope): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  for (const entry of envelope.entry) {
    const wabaId = entry.id;
    const time = entry.time === undefined ? null : fromSeconds(entry.time);
    for (const change of entry.changes) {
      switch (change.field) {
        case 'messages':
          normalizeMessagesChange(wabaId, change.value, out);
          break;
        case 'message_template_status_update': {
          const t = TemplateStatusValue.safeParse(change.value);
          if (!t.success) {
            out.push(ignored(wabaId, change.field, null, 'malformed value'));
            break;
          }
          out.push({
            kind: 'template_status',
            wabaId,
            templateId: t.data.message_template_id,
            templateName: t.data.message_template_name,
            language: t.data.message_template_language,
            event: t.data.event,
            reason: t.data.reason ?? null,
            category: nn(t.data.message_template_category),
            time,
          });
          break;
        }
        case 'account_update': {
          const a = AccountUpdateValue.safeParse(change.value);
          if (!a.success) {
            out.push(ignored(wabaId, change.field, null, 'malformed value'));
            break;
          }
          out.push({
            kind: 'account',
            wabaId,
            event: a.data.event,
            phoneNumber: nn(a.data.phone_number),
            raw: a.data,
            time,
          });
          break;
        }
        case 'phone_number_quality_update': {
          const q = PhoneQualityValue.safeParse(change.value);
          if (!q.success) {
            out.push(ignored(wabaId, change.field, null, 'malformed value'));
            break;
          }
          out.push({
            kind: 'phone_quality',
            wabaId,
            displayPhoneNumber: q.data.display_phone_number,
            event: q.data.event,
            limit: nn(q.data.max_daily_conversations_per_business ?? q.data.current_limit),
            time,
          });
          break;
        }
        default:
          out.push(ignored(wabaId, change.field, null, 'field not handled'));
      }
    }
  }
  return out;
}
