import { z } from 'zod';

/** Who sent a message: the customer (inbound) or the business (outbound). */
export const Direction = z.enum(['inbound', 'outbound']);
export type Direction = z.infer<typeof Direction>;

/**
 * Every message type Parley stores. Inbound types follow Meta's webhook types; `note` never
 * leaves Parley; `unsupported` keeps messages WhatsApp could not describe (shown as such).
 */
export const MessageType = z.enum([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'template',
  'unsupported',
]);
export type MessageType = z.infer<typeof MessageType>;

/** Media-bearing message types. */
export const MediaType = z.enum(['image', 'video', 'audio', 'document', 'sticker']);
export type MediaType = z.infer<typeof MediaType>;

/**
 * Delivery state of an outbound message. `queued` until Meta accepts it, then Meta's statuses.
 * The order is a lattice (`statusRank`): a late, lower status never lowers what is shown;
 * `failed` is terminal unless a later delivered/read proves otherwise.
 */
export const MessageStatus = z.enum(['queued', 'sent', 'delivered', 'read', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** Rank of each status in the monotone lattice (failed handled separately). */
export const statusRank: Record<MessageStatus, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: -1,
};

/** Conversation workflow state, compatible with Chatwoot's: open, pending, resolved, snoozed. */
export const ConversationStatus = z.enum(['open', 'pending', 'resolved', 'snoozed']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

/** WhatsApp's limits that Parley checks before anything is queued (digest §4.2, §6, §9). */
export const WHATSAPP_LIMITS = {
  textMaxChars: 4096,
  captionMaxChars: 1024,
  /** The customer-service window: free-form replies allowed this long after the last inbound message. */
  windowMs: 24 * 60 * 60 * 1000,
  media: {
    image: { maxBytes: 5 * 1024 * 1024, mimeTypes: ['image/jpeg', 'image/png'] },
    video: { maxBytes: 16 * 1024 * 1024, mimeTypes: ['video/mp4', 'video/3gpp'] },
    audio: {
      maxBytes: 16 * 1024 * 1024,
      mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    },
    document: {
      maxBytes: 100 * 1024 * 1024,
      mimeTypes: [
        'text/plain',
        'application/pdf',
        'application/vnd.ms-excel',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/msword',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.ms-powerpoint',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      ],
    },
    /** Static stickers ≤ 100 KB; animated ≤ 500 KB (checked when the animation flag is known). */
    sticker: { maxBytes: 500 * 1024, mimeTypes: ['image/webp'] },
  },
} as const;

/**
 * What a message is, in a word or two, wherever one line stands for it: the inbox preview
 * ("Photo: the cake"), quotes, the reply preview and outbox summaries. One table for the app
 * and the server's previews, so the inbox can tell a preview that already starts with its
 * label and never says it twice. `system` messages (a changed number, a deleted message) are
 * notices.
 */
export const MESSAGE_TYPE_LABEL: Record<MessageType, string> = {
  text: 'Message',
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  sticker: 'Sticker',
  location: 'Location',
  contacts: 'Contact card',
  interactive: 'Reply',
  button: 'Button reply',
  reaction: 'Reaction',
  order: 'Order',
  system: 'Notice',
  template: 'Template',
  unsupported: 'Unsupported message',
};
