import { z } from 'zod';
import { text } from '../domain/text';
import { Direction, MediaType, MessageStatus, MessageType, WHATSAPP_LIMITS } from '../domain/messaging';
import { PageQuery, page } from './common';
import { InteractiveContent, InteractiveMessage, MediaByUrl } from './interactive';

/** Media attached to a message; bytes are served tenant-scoped by `GET /api/v1/media/:id`. */
export const MessageMedia = z.object({
  id: z.uuid(),
  mimeType: text(),
  fileName: text().nullable(),
  size: z.number().int().nullable(),
  /** Inbound voice note (recorded in WhatsApp) rather than an audio file. */
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
  /** `pending` while Parley still fetches inbound media from Meta; `failed` when it gave up. */
  state: z.enum(['pending', 'ready', 'failed']),
  /** Media sent by URL: the https URL Meta was given (Parley's copy is `id`, when `ready`). */
  url: text().nullable().optional(),
});
export type MessageMedia = z.infer<typeof MessageMedia>;

/** A shared location. */
export const Location = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: text().max(1000).optional(),
  address: text().max(1000).optional(),
  url: text().max(2000).optional(),
});
export type Location = z.infer<typeof Location>;

/** A contact card (vCard-like), as WhatsApp sends it; every part is optional. */
export const ContactCard = z.object({
  name: z.object({
    formattedName: text(),
    firstName: text().optional(),
    lastName: text().optional(),
  }),
  phones: z.array(z.object({ phone: text(), type: text().optional(), waId: text().optional() })),
  emails: z.array(z.object({ email: text(), type: text().optional() })),
  organization: text().optional(),
  urls: z.array(text()),
});
export type ContactCard = z.infer<typeof ContactCard>;

/** A customer's tap on an interactive message (reply button, list row, flow) or a template quick reply. */
export const InteractiveReply = z.object({
  kind: z.enum(['button_reply', 'list_reply', 'nfm_reply', 'quick_reply']),
  id: text().nullable(),
  title: text(),
  description: text().nullable().optional(),
});
export type InteractiveReply = z.infer<typeof InteractiveReply>;

/** An emoji reaction shown on its target message. */
export const Reaction = z.object({
  emoji: text(),
  /** `customer`, or the id of the agent who reacted. */
  by: text(),
  at: text(),
});
export type Reaction = z.infer<typeof Reaction>;

/** Parameters of a template send, by component. Positional `body` is an array; named is a record. */
export const TemplateParameters = z.object({
  header: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text'), text: text().min(1).max(60) }),
      z.object({
        type: z.enum(['image', 'video', 'document']),
        mediaId: z.uuid(),
        fileName: text().max(240).optional(),
      }),
      z.object({ type: z.literal('location'), location: Location }),
    ])
    .optional(),
  body: z
    .union([z.array(text().min(1).max(1024)).max(100), z.record(text(), text().min(1).max(1024))])
    .optional(),
  buttons: z
    .array(
      z.discriminatedUnion('type', [
        z.object({
          type: z.literal('quick_reply'),
          index: z.number().int().min(0).max(9),
          payload: text().max(1000),
        }),
        z.object({
          type: z.literal('url'),
          index: z.number().int().min(0).max(9),
          text: text().min(1).max(2000),
        }),
      ]),
    )
    .max(10)
    .optional(),
});
export type TemplateParameters = z.infer<typeof TemplateParameters>;

/** The template a message was sent from, with the parameters filled in. */
export const SentTemplate = z.object({
  name: text(),
  language: text(),
  parameters: TemplateParameters,
  /** The body text with parameters substituted, for display and search. */
  renderedBody: text().nullable(),
});
export type SentTemplate = z.infer<typeof SentTemplate>;

/** Why a message failed, with Meta's code when Meta gave one. */
export const MessageError = z.object({
  /** Meta's numeric code as a string (e.g. "131047"), or a Parley code (e.g. "may_not_have_been_sent"). */
  code: text(),
  /** A sentence an agent understands. */
  message: text(),
  /** Meta's own title, when there is one. */
  title: text().nullable().optional(),
});
export type MessageError = z.infer<typeof MessageError>;

/** A message, inbound or outbound (architecture §6 "Message JSON"). */
export const Message = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  /** Position in the conversation, gap-free, assigned by the server at commit. */
  convSeq: z.number().int(),
  direction: Direction,
  type: MessageType,
  text: text().nullable().optional(),
  caption: text().nullable().optional(),
  media: MessageMedia.nullable().optional(),
  location: Location.nullable().optional(),
  contacts: z.array(ContactCard).nullable().optional(),
  interactive: InteractiveReply.nullable().optional(),
  /** An outbound interactive message (reply buttons, list, call-to-action URL) as sent. */
  interactiveMessage: InteractiveContent.nullable().optional(),
  /** For `reaction` messages: the target and the emoji (null = removed). */
  reaction: z.object({ messageId: z.uuid().nullable(), emoji: text().nullable() }).nullable().optional(),
  /** Reactions other messages made on this one. */
  reactions: z.array(Reaction).optional(),
  template: SentTemplate.nullable().optional(),
  /** Type-specific extras kept verbatim: order items, system notice, unsupported reason, referral. */
  extra: z.record(text(), z.unknown()).nullable().optional(),
  replyToMessageId: z.uuid().nullable().optional(),
  forwarded: z.boolean().optional(),
  frequentlyForwarded: z.boolean().optional(),
  status: MessageStatus,
  error: MessageError.nullable().optional(),
  waMessageId: text().nullable().optional(),
  /** The agent who sent it (outbound). */
  authorId: z.uuid().nullable().optional(),
  /** The API key that sent it (integrator sends through `POST /api/v1/messages`). */
  apiKeyId: z.uuid().nullable().optional(),
  /**
   * The name of that key when it sent ("via API key ‹name›" in the thread): agents see who sent,
   * never the keys themselves. Kept as it was, so a later rename or deletion does not rewrite history.
   */
  apiKeyName: text().nullable().optional(),
  /** Meta's timestamp for inbound messages; acceptance time for outbound. */
  createdAt: text(),
  /** When the current status was reached. */
  statusAt: text().nullable().optional(),
});
export type Message = z.infer<typeof Message>;

const caption = text().max(WHATSAPP_LIMITS.captionMaxChars, {
  message: `Captions are limited to ${WHATSAPP_LIMITS.captionMaxChars} characters`,
});
const common = {
  /** Client-generated id (UUIDv7); replaying the same id returns the first result. */
  id: z.uuid().optional(),
  replyToMessageId: z.uuid().optional(),
};

/** `POST /api/v1/conversations/:id/messages` (and the `message.send` sync mutation). */
export const SendMessageBody = z.discriminatedUnion('type', [
  z.object({
    ...common,
    type: z.literal('text'),
    text: text()
      .min(1, { message: 'Write a message' })
      .max(WHATSAPP_LIMITS.textMaxChars, {
        message: `Messages are limited to ${WHATSAPP_LIMITS.textMaxChars} characters`,
      }),
    previewUrl: z.boolean().optional(),
  }),
  z.object({
    ...common,
    type: MediaType,
    mediaId: z.uuid(),
    caption: caption.optional(),
    fileName: text().max(240).optional(),
  }),
  z.object({
    ...common,
    type: z.literal('template'),
    templateName: text().min(1).max(512),
    language: text().min(2).max(20),
    parameters: TemplateParameters.default({}),
  }),
  z.object({ ...common, type: z.literal('location'), location: Location }),
  z.object({
    id: common.id,
    type: z.literal('reaction'),
    messageId: z.uuid(),
    /** An emoji, or empty to remove our reaction. */
    emoji: text().max(16),
  }),
]);
export type SendMessageBody = z.infer<typeof SendMessageBody>;

/** An interactive message in a send body (integrator sends only). */
export const InteractiveSend = z.object({
  ...common,
  type: z.literal('interactive'),
  interactive: InteractiveMessage,
});
export type InteractiveSend = z.infer<typeof InteractiveSend>;

/** What `POST /api/v1/messages` takes as `message`: every conversation-route type, and interactive. */
export const IntegratorMessage = z.discriminatedUnion('type', [...SendMessageBody.options, InteractiveSend]);
export type IntegratorMessage = z.infer<typeof IntegratorMessage>;

/**
 * `POST /api/v1/messages` (integrations): send to `to` (E.164 number or WhatsApp user id) or to
 * an existing `contactId`, from `whatsappAccountId` or — when left out — the organization's only
 * connected number; the contact and conversation are created as needed. The content is either
 * `message` or `media` (a file by https URL).
 */
export const SendToNumberBody = z
  .object({
    whatsappAccountId: z.uuid().optional(),
    to: text()
      .trim()
      .regex(/^\+?[1-9]\d{6,14}$/, { message: 'Enter the number in international format, e.g. +14155550123' })
      .optional(),
    contactId: z.uuid().optional(),
    message: IntegratorMessage.optional(),
    media: MediaByUrl.optional(),
  })
  .refine((b) => (b.to === undefined) !== (b.contactId === undefined), {
    message: 'Give either "to" (a phone number) or "contactId", not both',
    path: ['to'],
  })
  .refine((b) => (b.message === undefined) !== (b.media === undefined), {
    message: 'Give either "message" or "media" (a file by URL), not both',
    path: ['message'],
  });
export type SendToNumberBody = z.infer<typeof SendToNumberBody>;

/** `GET /api/v1/conversations/:id/messages`: newest first, keyset by conversation sequence. */
export const ListMessagesQuery = PageQuery;
export type ListMessagesQuery = z.infer<typeof ListMessagesQuery>;

/** `GET /api/v1/messages`: the organization's messages, newest first, narrowed by filters. */
export const SearchMessagesQuery = PageQuery.extend({
  conversationId: z.uuid().optional(),
  contactId: z.uuid().optional(),
  direction: Direction.optional(),
  status: MessageStatus.optional(),
  type: MessageType.optional(),
  /** Created at or after this instant. */
  since: z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date-time' }).optional(),
  /** Created before this instant. */
  until: z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date-time' }).optional(),
});
export type SearchMessagesQuery = z.infer<typeof SearchMessagesQuery>;

/** A keyset page of messages, newest first (by `convSeq`). */
export const MessagePage = page(Message);
export type MessagePage = z.infer<typeof MessagePage>;
