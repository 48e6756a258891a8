import type { InteractiveContent } from '#contract/api/interactive';
import type {
  ContactCard,
  InteractiveReply,
  Location,
  Message,
  MessageMedia,
  Reaction,
  SentTemplate,
} from '#contract/api/messages';
import { MessageStatus, MessageType } from '#contract/domain/messaging';
import type { InboundContent } from '../../meta/inbound-content';
import type { InboundMessageEvent } from '../../meta/normalize';
import type { messages, media as mediaTable } from '../../storage/schema/index';

/**
 * What `messages.content` (jsonb) holds: the type-specific parts of a message in the contract's
 * own shapes, so reading a row back is a projection, not a re-interpretation. The outbound side
 * writes `template` (and `location` for location sends) in the same shape.
 */
export type MessageContent = {
  location?: Location;
  contacts?: ContactCard[];
  interactive?: InteractiveReply;
  /** Outbound interactive messages (reply buttons, list, call-to-action URL), as sent. */
  interactiveMessage?: InteractiveContent;
  template?: SentTemplate;
  /** Outbound reaction messages: target and emoji (null = removed). */
  reaction?: { messageId: string | null; emoji: string | null };
  /** Media flags that are not columns of `media`. */
  media?: { voice?: boolean; animated?: boolean; fileName?: string | null; link?: string };
  /** The name of the API key that sent the message, as it was then ("via API key ‹name›"). */
  apiKeyName?: string;
  /** Verbatim extras: order, system, unsupported, referral, referredProduct, flow responseJson. */
  extra?: Record<string, unknown>;
};

/** The message columns an inbound event fills (ids, conversation and seq are added by ingest). */
export type InboundFields = {
  type: MessageType;
  text: string | null;
  caption: string | null;
  content: MessageContent | null;
  /** Set for media types: what the media row needs. */
  media: { metaMediaId: string; mimeType: string; fileName: string | null; sha256: string | null } | null;
  /** Inbox preview (text, caption or a type label), at most 120 characters. */
  preview: string;
};

const clip = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const MEDIA_LABEL = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  sticker: 'Sticker',
};

const toCards = (c: Extract<InboundContent, { type: 'contacts' }>): ContactCard[] =>
  c.cards.map((card) => ({
    name: {
      formattedName:
        card.formattedName ?? ([card.firstName, card.lastName].filter(Boolean).join(' ') || 'Contact'),
      ...(card.firstName && { firstName: card.firstName }),
      ...(card.lastName && { lastName: card.lastName }),
    },
    phones: card.phones.flatMap((p) =>
      p.phone ? [{ phone: p.phone, ...(p.type && { type: p.type }), ...(p.waId && { waId: p.waId }) }] : [],
    ),
    emails: card.emails.flatMap((e) =>
      e.email ? [{ email: e.email, ...(e.type && { type: e.type }) }] : [],
    ),
    ...(card.organization && { organization: card.organization }),
    urls: card.urls,
  }));

/** Maps a normalized inbound message (anything but a reaction) to message columns. */
export function inboundFields(e: InboundMessageEvent): InboundFields {
  const c = e.content;
  const extra: Record<string, unknown> = {};
  if (e.referral) extra.referral = e.referral;
  if (e.context?.referredProduct) extra.referredProduct = e.context.referredProduct;
  const withExtra = (content: MessageContent): MessageContent | null => {
    const out =
      Object.keys(extra).length > 0 ? { ...content, extra: { ...content.extra, ...extra } } : content;
    return Object.keys(out).length > 0 ? out : null;
  };
  switch (c.type) {
    case 'text':
      return {
        type: 'text',
        text: c.body,
        caption: null,
        content: withExtra({}),
        media: null,
        preview: clip(c.body),
      };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const flags: MessageContent['media'] = {
        ...(c.type === 'audio' && { voice: c.voice }),
        ...(c.type === 'sticker' && { animated: c.animated }),
        ...(c.fileName && { fileName: c.fileName }),
      };
      const label = c.type === 'audio' && c.voice ? 'Voice message' : (c.fileName ?? MEDIA_LABEL[c.type]);
      return {
        type: c.type,
        text: null,
        caption: c.caption,
        content: withExtra(Object.keys(flags).length > 0 ? { media: flags } : {}),
        media: { metaMediaId: c.mediaId, mimeType: c.mimeType, fileName: c.fileName, sha256: c.sha256 },
        preview: clip(c.caption ? `${label}: ${c.caption}` : label),
      };
    }
    case 'location': {
      const location: Location = {
        latitude: Math.max(-90, Math.min(90, c.latitude)),
        longitude: Math.max(-180, Math.min(180, c.longitude)),
        ...(c.name && { name: c.name.slice(0, 1000) }),
        ...(c.address && { address: c.address.slice(0, 1000) }),
        ...(c.url && { url: c.url.slice(0, 2000) }),
      };
      return {
        type: 'location',
        text: null,
        caption: null,
        content: withExtra({ location }),
        media: null,
        preview: clip(c.name ? `Location: ${c.name}` : 'Location'),
      };
    }
    case 'contacts': {
      const contacts = toCards(c);
      return {
        type: 'contacts',
        text: null,
        caption: null,
        content: withExtra({ contacts }),
        media: null,
        preview: clip(`Contact: ${contacts.map((x) => x.name.formattedName).join(', ') || 'shared'}`),
      };
    }
    case 'interactive': {
      const interactive: InteractiveReply = {
        kind: c.kind,
        id: c.id,
        title: c.title ?? (c.kind === 'nfm_reply' ? 'Form submitted' : ''),
        description: c.description,
      };
      if (c.responseJson !== null) extra.responseJson = c.responseJson;
      return {
        type: 'interactive',
        text: interactive.title,
        caption: null,
        content: withExtra({ interactive }),
        media: null,
        preview: clip(interactive.title || 'Reply'),
      };
    }
    case 'button':
      return {
        type: 'button',
        text: c.text,
        caption: null,
        content: withExtra({ interactive: { kind: 'quick_reply', id: c.payload, title: c.text } }),
        media: null,
        preview: clip(c.text),
      };
    case 'order':
      extra.order = { catalogId: c.catalogId, text: c.text, items: c.items };
      return {
        type: 'order',
        text: c.text,
        caption: null,
        content: withExtra({}),
        media: null,
        preview: clip(`Order: ${c.items.length} item${c.items.length === 1 ? '' : 's'}`),
      };
    case 'system':
      extra.system = { type: c.systemType, newWaId: c.newWaId, newUserId: c.newUserId };
      return {
        type: 'system',
        text: c.body,
        caption: null,
        content: withExtra({}),
        media: null,
        preview: clip(c.body ?? 'System message'),
      };
    case 'revoke':
      // Coexistence numbers only: the customer deleted a message; shown as a notice.
      extra.system = { type: 'revoke', originalWamid: c.originalWamid };
      return {
        type: 'system',
        text: 'The customer deleted a message',
        caption: null,
        content: withExtra({}),
        media: null,
        preview: 'The customer deleted a message',
      };
    case 'unsupported':
      extra.unsupported = { reason: c.reason, code: c.code, originalType: c.originalType };
      return {
        type: 'unsupported',
        text: null,
        caption: null,
        content: withExtra({}),
        media: null,
        preview: 'Unsupported message',
      };
    case 'reaction':
      throw new Error('reactions are not messages');
  }
}

type MessageRow = typeof messages.$inferSelect;
type MediaRow = typeof mediaTable.$inferSelect;

/** A stored message as the contract's Message (media and reactions joined by the caller). */
export function toMessage(
  row: MessageRow,
  extras: { media?: MediaRow | null; reactions?: Reaction[] } = {},
): Message {
  const content = (row.content ?? {}) as MessageContent;
  const m = extras.media;
  const media: MessageMedia | null = m
    ? {
        id: m.id,
        mimeType: m.mimeType,
        fileName: m.fileName ?? content.media?.fileName ?? null,
        size: m.size,
        ...(content.media?.voice !== undefined && { voice: content.media.voice }),
        ...(content.media?.animated !== undefined && { animated: content.media.animated }),
        state: m.state,
        ...(content.media?.link !== undefined && { url: content.media.link }),
      }
    : null;
  return {
    id: row.id,
    conversationId: row.conversationId,
    convSeq: row.convSeq,
    direction: row.direction,
    type: MessageType.safeParse(row.type).data ?? 'unsupported',
    text: row.text,
    caption: row.caption,
    media,
    location: content.location ?? null,
    contacts: content.contacts ?? null,
    interactive: content.interactive ?? null,
    ...(content.interactiveMessage && { interactiveMessage: content.interactiveMessage }),
    reaction: content.reaction ?? null,
    ...(extras.reactions && { reactions: extras.reactions }),
    template: content.template ?? null,
    extra: content.extra ?? null,
    replyToMessageId: row.replyToMessageId,
    forwarded: row.forwarded,
    frequentlyForwarded: row.frequentlyForwarded,
    status: MessageStatus.parse(row.status),
    error: row.errorCode
      ? {
          code: row.errorCode,
          message: row.errorMessage ?? row.errorTitle ?? 'Failed',
          title: row.errorTitle,
        }
      : null,
    waMessageId: row.waMessageId,
    authorId: row.authorId,
    apiKeyId: row.apiKeyId,
    ...(content.apiKeyName !== undefined && { apiKeyName: content.apiKeyName }),
    createdAt: row.createdAt.toISOString(),
    statusAt: row.statusAt?.toISOString() ?? null,
  };
}
