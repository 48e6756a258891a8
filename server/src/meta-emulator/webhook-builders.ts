// Builders for Meta-shaped webhook payloads (digest §2, §3, §7, §8). The emulator's webhook
// sender uses them, and so do the parser fixtures in server/test/meta-webhooks.ts, so the
// emulator and the parser cannot silently disagree about a shape.

/** Wire shape of a shared contact card (`contacts` message), as Meta sends it. */
export interface WireContactCard {
  name?: { formatted_name?: string; first_name?: string; last_name?: string };
  phones?: { phone?: string; wa_id?: string; type?: string }[];
  emails?: { email?: string; type?: string }[];
  addresses?: { street?: string; city?: string; country?: string; country_code?: string; type?: string }[];
  org?: { company?: string; department?: string; title?: string };
  urls?: { url?: string; type?: string }[];
  birthday?: string;
}

/** Media fields of an inbound media message, already stored in the emulator's media store. */
export interface InboundMediaSpec {
  mediaId: string;
  mimeType: string;
  sha256: string;
  /** Direct download URL (Meta's 2025-11 rollout); omitted when undefined. */
  url?: string;
}

/** What a (simulated) customer sends. One variant per inbound type of digest §2.2. */
export type InboundSpec =
  | { type: 'text'; body: string }
  | ({ type: 'image' | 'video'; caption?: string } & InboundMediaSpec)
  | ({ type: 'audio'; voice?: boolean } & InboundMediaSpec)
  | ({ type: 'document'; caption?: string; filename?: string } & InboundMediaSpec)
  | ({ type: 'sticker'; animated?: boolean } & InboundMediaSpec)
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string; url?: string }
  | { type: 'contacts'; contacts: WireContactCard[] }
  | {
      type: 'interactive';
      reply:
        | { type: 'button_reply'; id: string; title: string }
        | { type: 'list_reply'; id: string; title: string; description?: string }
        | { type: 'nfm_reply'; name: string; body: string; responseJson: string };
    }
  | { type: 'button'; payload: string; text: string }
  /** `emoji` undefined ⇒ removal as Meta sends it (field omitted); "" ⇒ the variant some integrations see. */
  | { type: 'reaction'; messageId: string; emoji?: string }
  | {
      type: 'order';
      catalogId: string;
      text?: string;
      items: { productRetailerId: string; quantity: number; itemPrice: number; currency: string }[];
    }
  | { type: 'system'; systemType: 'user_changed_number'; newWaId: string; body: string }
  | { type: 'system'; systemType: 'user_changed_user_id'; newUserId: string; body: string }
  /** Pre-2024 payloads: `customer_changed_number` with `new_wa_id`. */
  | { type: 'system'; systemType: 'customer_changed_number'; newWaId: string; body: string; legacy: true }
  | { type: 'unsupported'; unsupportedType: string; code?: 131051 | 131060 }
  /** Legacy `type: "unknown"` with errors[].details. */
  | { type: 'unknown' }
  | { type: 'revoke'; originalMessageId: string }
  /** A type this emulator pretends Meta introduced tomorrow (parsers must not choke). */
  | { type: 'future'; futureType: string; payload: Record<string, unknown> };

/** Reply/forward/referral decorations an inbound message may carry. */
export interface InboundDecorations {
  /** Reply to (or tap on) a business message: `context{from, id}`. */
  replyTo?: { from: string; id: string };
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
  referredProduct?: { catalogId: string; productRetailerId: string };
  referral?: {
    sourceUrl: string;
    sourceId: string;
    sourceType: 'ad' | 'post';
    body?: string;
    headline?: string;
    mediaType?: 'image' | 'video';
    imageUrl?: string;
    videoUrl?: string;
    thumbnailUrl?: string;
    ctwaClid?: string;
    welcomeText?: string;
  };
}

/** Sender identity of an inbound message. */
export interface InboundSender {
  /** Phone-based id; omit to simulate a username user whose phone is hidden. */
  waId?: string;
  userId?: string;
  parentUserId?: string;
  profileName?: string;
  username?: string;
}

type Json = Record<string, unknown>;

const drop = <T extends Json>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function mediaObject(s: InboundMediaSpec, extra: Json): Json {
  return drop({ ...extra, mime_type: s.mimeType, sha256: s.sha256, id: s.mediaId, url: s.url });
}

/** Builds the `messages[]` item for one inbound message, exactly in Meta's wire shape. */
export function buildInboundMessage(
  spec: InboundSpec,
  meta: { wamid: string; timestampSeconds: number; sender: InboundSender },
  decorations: InboundDecorations = {},
): Json {
  const msg: Json = drop({
    from: meta.sender.waId,
    from_user_id: meta.sender.userId,
    from_parent_user_id: meta.sender.parentUserId,
    id: meta.wamid,
    timestamp: String(meta.timestampSeconds),
  });
  const context = drop({
    from: decorations.replyTo?.from,
    id: decorations.replyTo?.id,
    forwarded: decorations.forwarded || undefined,
    frequently_forwarded: decorations.frequentlyForwarded || undefined,
    referred_product: decorations.referredProduct
      ? {
          catalog_id: decorations.referredProduct.catalogId,
          product_retailer_id: decorations.referredProduct.productRetailerId,
        }
      : undefined,
  });
  if (Object.keys(context).length > 0) msg.context = context;
  const r = decorations.referral;
  if (r) {
    msg.referral = drop({
      source_url: r.sourceUrl,
      source_id: r.sourceId,
      source_type: r.sourceType,
      body: r.body,
      headline: r.headline,
      media_type: r.mediaType,
      image_url: r.imageUrl,
      video_url: r.videoUrl,
      thumbnail_url: r.thumbnailUrl,
      ctwa_clid: r.ctwaClid,
      welcome_message: r.welcomeText === undefined ? undefined : { text: r.welcomeText },
    });
  }
  switch (spec.type) {
    case 'text':
      return { ...msg, type: 'text', text: { body: spec.body } };
    case 'image':
    case 'video':
      return { ...msg, type: spec.type, [spec.type]: mediaObject(spec, { caption: spec.caption }) };
    case 'audio':
      return { ...msg, type: 'audio', audio: mediaObject(spec, { voice: spec.voice ?? false }) };
    case 'document':
      return {
        ...msg,
        type: 'document',
        document: mediaObject(spec, { caption: spec.caption, filename: spec.filename }),
      };
    case 'sticker':
      return { ...msg, type: 'sticker', sticker: mediaObject(spec, { animated: spec.animated ?? false }) };
    case 'location':
      return {
        ...msg,
        type: 'location',
        location: drop({
          latitude: spec.latitude,
          longitude: spec.longitude,
          name: spec.name,
          address: spec.address,
          url: spec.url,
        }),
      };
    case 'contacts':
      return { ...msg, type: 'contacts', contacts: spec.contacts };
    case 'interactive': {
      const reply = spec.reply;
      const interactive =
        reply.type === 'button_reply'
          ? { type: 'button_reply', button_reply: { id: reply.id, title: reply.title } }
          : reply.type === 'list_reply'
            ? {
                type: 'list_reply',
                list_reply: drop({ id: reply.id, title: reply.title, description: reply.description }),
              }
            : {
                type: 'nfm_reply',
                nfm_reply: { name: reply.name, body: reply.body, response_json: reply.responseJson },
              };
      return { ...msg, type: 'interactive', interactive };
    }
    case 'button':
      return { ...msg, type: 'button', button: { payload: spec.payload, text: spec.text } };
    case 'reaction':
      return { ...msg, type: 'reaction', reaction: drop({ message_id: spec.messageId, emoji: spec.emoji }) };
    case 'order':
      return {
        ...msg,
        type: 'order',
        order: drop({
          catalog_id: spec.catalogId,
          text: spec.text,
          product_items: spec.items.map((i) => ({
            product_retailer_id: i.productRetailerId,
            quantity: i.quantity,
            item_price: i.itemPrice,
            currency: i.currency,
          })),
        }),
      };
    case 'system': {
      if (spec.systemType === 'user_changed_user_id') {
        return {
          ...msg,
          type: 'system',
          system: { body: spec.body, user_id: spec.newUserId, type: spec.systemType },
        };
      }
      if (spec.systemType === 'customer_changed_number') {
        return {
          ...msg,
          type: 'system',
          system: { body: spec.body, new_wa_id: spec.newWaId, type: spec.systemType },
        };
      }
      return {
        ...msg,
        type: 'system',
        system: { body: spec.body, wa_id: spec.newWaId, type: spec.systemType },
      };
    }
    case 'unsupported': {
      const code = spec.code ?? 131051;
      const title = code === 131060 ? 'Message unavailable' : 'Message type unknown';
      return {
        ...msg,
        type: 'unsupported',
        unsupported: { type: spec.unsupportedType },
        errors: [
          {
            code,
            title,
            message: title,
            error_data: {
              details:
                code === 131060
                  ? 'Message is unavailable; view it on the WhatsApp Business app'
                  : 'Message type is currently not supported.',
            },
          },
        ],
      };
    }
    case 'unknown':
      return {
        ...msg,
        type: 'unknown',
        errors: [
          {
            code: 131051,
            details: 'Message type is not currently supported',
            title: 'Unsupported message type',
          },
        ],
      };
    case 'revoke':
      return { ...msg, type: 'revoke', revoke: { original_message_id: spec.originalMessageId } };
    case 'future':
      return { ...msg, type: spec.futureType, [spec.futureType]: spec.payload };
  }
}

/** Builds a `contacts[]` item for the sender of inbound messages. */
export function buildWebhookContact(sender: InboundSender): Json {
  return drop({
    profile: drop({ name: sender.profileName, username: sender.username }),
    wa_id: sender.waId,
    user_id: sender.userId,
    parent_user_id: sender.parentUserId,
  });
}

/** Error item of a `failed` status (title == message, digest §3). */
export interface StatusErrorSpec {
  code: number;
  title: string;
  details: string;
}

/** One outbound status update, in Meta's wire shape. */
export interface StatusSpec {
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'played';
  timestampSeconds: number;
  recipientId?: string;
  recipientUserId?: string;
  bizOpaqueCallbackData?: string;
  errors?: StatusErrorSpec[];
  pricing?: { billable: boolean; pricingModel: string; type: string; category: string };
  /** Only for webhook versions ≤ v23 (the object is dropped from v24.0). */
  conversation?: { id: string; originType: string; expirationSeconds?: number };
}

/** Builds a `statuses[]` item. */
export function buildStatus(s: StatusSpec): Json {
  return drop({
    id: s.wamid,
    status: s.status,
    timestamp: String(s.timestampSeconds),
    recipient_id: s.recipientId,
    recipient_user_id: s.recipientUserId,
    biz_opaque_callback_data: s.bizOpaqueCallbackData,
    conversation: s.conversation
      ? drop({
          id: s.conversation.id,
          expiration_timestamp:
            s.conversation.expirationSeconds === undefined
              ? undefined
              : String(s.conversation.expirationSeconds),
          origin: { type: s.conversation.originType },
        })
      : undefined,
    pricing: s.pricing
      ? {
          billable: s.pricing.billable,
          pricing_model: s.pricing.pricingModel,
          type: s.pricing.type,
          category: s.pricing.category,
        }
      : undefined,
    errors: s.errors?.map((e) => ({
      code: e.code,
      title: e.title,
      message: e.title,
      error_data: { details: e.details },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    })),
  });
}

/** The business number a `messages` change is addressed to. */
export interface BusinessNumberRef {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/** One `entry[]` item with a single `messages` change. */
export function buildMessagesEntry(
  to: BusinessNumberRef,
  value: { contacts?: Json[]; messages?: Json[]; statuses?: Json[]; errors?: Json[] },
): Json {
  return {
    id: to.wabaId,
    changes: [
      {
        value: drop({
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: to.displayPhoneNumber, phone_number_id: to.phoneNumberId },
          contacts: value.contacts?.length ? value.contacts : undefined,
          messages: value.messages?.length ? value.messages : undefined,
          statuses: value.statuses?.length ? value.statuses : undefined,
          errors: value.errors?.length ? value.errors : undefined,
        }),
        field: 'messages',
      },
    ],
  };
}

/** Wraps entries into the webhook envelope (several entries = a batched POST). */
export function buildEnvelope(entries: Json[]): Json {
  return { object: 'whatsapp_business_account', entry: entries };
}

/** `message_template_status_update` entry (digest §7). */
export function buildTemplateStatusEntry(
  wabaId: string,
  t: {
    event: string;
    templateId: number;
    name: string;
    language: string;
    reason?: string | null;
    category?: string;
    timeSeconds: number;
  },
): Json {
  return {
    id: wabaId,
    time: t.timeSeconds,
    changes: [
      {
        value: drop({
          event: t.event,
          message_template_id: t.templateId,
          message_template_name: t.name,
          message_template_language: t.language,
          reason: t.reason === undefined ? 'NONE' : t.reason,
          message_template_category: t.category,
        }),
        field: 'message_template_status_update',
      },
    ],
  };
}

/** `account_update` entry (digest §8). */
export function buildAccountUpdateEntry(
  wabaId: string,
  value: Json & { event: string },
  timeSeconds: number,
): Json {
  return { id: wabaId, time: timeSeconds, changes: [{ value, field: 'account_update' }] };
}

/** `phone_number_quality_update` entry (digest §8). */
export function buildPhoneQualityEntry(
  wabaId: string,
  v: { displayPhoneNumber: string; event: string; limit: string },
  timeSeconds: number,
): Json {
  return {
    id: wabaId,
    time: timeSeconds,
    changes: [
      {
        value: {
          display_phone_number: v.displayPhoneNumber,
          event: v.event,
          max_daily_conversations_per_business: v.limit,
        },
        field: 'phone_number_quality_update',
      },
    ],
  };
}

/**
 * Serialises a payload the way Meta puts it on the wire: non-ASCII characters escaped as
 * `\uXXXX` (UTF-16 code units, so emoji become surrogate pairs) and `/` escaped as `\/`.
 * The signature is computed over these exact bytes, so receivers that hash a re-serialised
 * object fail — as they do against Meta (digest §1.2).
 */
export function serializeLikeMeta(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}
