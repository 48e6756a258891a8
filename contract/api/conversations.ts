import { z } from 'zod';
import { text } from '../domain/text';
import { ConversationStatus, Direction, MessageStatus, MessageType } from '../domain/messaging';
import { PageQuery, page } from './common';

/** The last message of a conversation, enough for an inbox row. */
export const LastMessage = z.object({
  id: z.uuid(),
  type: MessageType,
  direction: Direction,
  /** Text, caption or a type label ("Photo", "Location"…), truncated. */
  preview: text(),
  status: MessageStatus,
  at: text(),
});
export type LastMessage = z.infer<typeof LastMessage>;

/** A conversation with one contact on one WhatsApp number (architecture §6 "Conversation JSON"). */
export const Conversation = z.object({
  id: z.uuid(),
  status: ConversationStatus,
  /** Snoozed until this time, when snoozed with a time. */
  snoozedUntil: text().nullable(),
  contact: z.object({
    id: z.uuid(),
    name: text().nullable(),
    phone: text().nullable(),
    waId: text().nullable(),
  }),
  whatsappAccountId: z.uuid(),
  assigneeId: z.uuid().nullable(),
  teamId: z.uuid().nullable(),
  important: z.boolean(),
  labels: z.array(text()),
  /** Customer messages not yet read by the team. */
  unreadCount: z.number().int().nonnegative(),
  lastMessageAt: text().nullable(),
  lastMessage: LastMessage.nullable(),
  /** When the 24-hour customer-service window closes; null before the customer ever wrote. */
  windowExpiresAt: text().nullable(),
  /**
   * Since when the customer waits for a reply: their first message after the last one sent to
   * them; null when nobody waits (rows synced before this field existed read as null).
   */
  waitingSince: text().nullable().default(null),
  createdAt: text(),
  updatedAt: text(),
});
export type Conversation = z.infer<typeof Conversation>;

const boolish = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

/** `GET /api/v1/conversations` filters (architecture §6), newest activity first, keyset paged. */
export const ListConversationsQuery = PageQuery.extend({
  status: ConversationStatus.optional(),
  /** `me`, `unassigned`, or a user id. */
  assignee: z.union([z.enum(['me', 'unassigned']), z.uuid()]).optional(),
  teamId: z.uuid().optional(),
  label: text().max(50).optional(),
  unread: boolish,
  important: boolish,
  /** Matches contact name, number and message text. */
  q: text().max(200).optional(),
});
export type ListConversationsQuery = z.infer<typeof ListConversationsQuery>;

/** `PATCH /api/v1/conversations/:id`: every field optional, applied field by field. */
export const UpdateConversationBody = z
  .object({
    status: ConversationStatus,
    /** With status `snoozed`: until this time; omitted/null means until the customer's next message. */
    snoozedUntil: z.iso.datetime({ offset: true }).nullable(),
    assigneeId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    important: z.boolean(),
    labels: z.array(text().trim().min(1).max(50)).max(50),
  })
  .partial();
export type UpdateConversationBody = z.infer<typeof UpdateConversationBody>;

/** A keyset page of conversations, newest activity first. */
export const ConversationPage = page(Conversation);
export type ConversationPage = z.infer<typeof ConversationPage>;
