import { z } from 'zod';
import { ConversationStatus, Direction, MessageStatus, MessageType } from '../domain/messaging';
import { PageQuery, page } from './common';

/** The last message of a conversation, enough for an inbox row. */
export const LastMessage = z.object({
  id: z.uuid(),
  type: MessageType,
  direction: Direction,
  /** Text, caption or a type label ("Photo", "Location"…), truncated. */
  preview: z.string(),
  status: MessageStatus,
  at: z.string(),
});
export type LastMessage = z.infer<typeof LastMessage>;

/** A conversation with one contact on one WhatsApp number (architecture §6 "Conversation JSON"). */
export const Conversation = z.object({
  id: z.uuid(),
  status: ConversationStatus,
  /** Snoozed until this time, when snoozed with a time. */
  snoozedUntil: z.string().nullable(),
  contact: z.object({
    id: z.uuid(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    waId: z.string().nullable(),
  }),
  whatsappAccountId: z.uuid(),
  assigneeId: z.uuid().nullable(),
  teamId: z.uuid().nullable(),
  important: z.boolean(),
  labels: z.array(z.string()),
  /** Customer messages not yet read by the team. */
  unreadCount: z.number().int().nonnegative(),
  lastMessageAt: z.string().nullable(),
  lastMessage: LastMessage.nullable(),
  /** When the 24-hour customer-service window closes; null before the customer ever wrote. */
  windowExpiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
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
  label: z.string().max(50).optional(),
  unread: boolish,
  important: boolish,
  /** Matches contact name, number and message text. */
  q: z.string().max(200).optional(),
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
    labels: z.array(z.string().trim().min(1).max(50)).max(50),
  })
  .partial();
export type UpdateConversationBody = z.infer<typeof UpdateConversationBody>;

/** A keyset page of conversations, newest activity first. */
export const ConversationPage = page(Conversation);
export type ConversationPage = z.infer<typeof ConversationPage>;
