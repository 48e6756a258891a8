import type { InboundMessage, MessageContext, MessageReferral } from './webhook-payload';

// The typed body of an inbound message, and its reply/forward context and ad referral, mapped
// from Meta's parsed message (webhook-payload.ts). Pure; normalize.ts builds the events around it.

/** `undefined` → null (Meta omits what it does not know; Parley's shapes say null). */
export const orNull = <T>(v: T | undefined | null): T | null => (v === undefined ? null : v);
const nn = orNull;

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

/** Reply/forward information of a message, null without a context. */
export function toContext(c: MessageContext | undefined): InboundContext | null {
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

/** The click-to-WhatsApp ad or post a message came from, null without one. */
export function toReferral(r: MessageReferral | undefined): InboundReferral | null {
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
