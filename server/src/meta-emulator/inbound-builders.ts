// Builder of the `messages[]` item of an inbound message, one variant per type of digest §2.2,
// with reply context, forwarding and referral data. The simulated customers use it, and so do
// the parser tests in server/test/meta-webhooks.ts, so the emulator and the parser cannot silently
// disagree about a shape. The envelope around it is built in webhook-builders.ts.
import { dropUndefined, type InboundSender, type Json } from './webhook-builders';

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

function mediaObject(s: InboundMediaSpec, extra: Json): Json {
  return dropUndefined({ ...extra, mime_type: s.mimeType, sha256: s.sha256, id: s.mediaId, url: s.url });
}

/** Builds the `messages[]` item for one inbound message, exactly in Meta's wire shape. */
export function buildInboundMessage(
  spec: InboundSpec,
  meta: { wamid: string; timestampSeconds: number; sender: InboundSender },
  decorations: InboundDecorations = {},
): Json {
  const msg: Json = dropUndefined({
    from: meta.sender.waId,
    from_user_id: meta.sender.userId,
    from_parent_user_id: meta.sender.parentUserId,
    id: meta.wamid,
    timestamp: String(meta.timestampSeconds),
  });
  const context = dropUndefined({
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
    msg.referral = dropUndefined({
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
        location: dropUndefined({
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
                list_reply: dropUndefined({
                  id: reply.id,
                  title: reply.title,
                  description: reply.description,
                }),
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
      return {
        ...msg,
        type: 'reaction',
        reaction: dropUndefined({ message_id: spec.messageId, emoji: spec.emoji }),
      };
    case 'order':
      return {
        ...msg,
        type: 'order',
        order: dropUndefined({
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
