import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { apiKeys } from './api-keys';
import { id, organizationId, ts, version } from './columns';
import { organizations } from './organizations';
import { teams } from './teams';
import { users } from './users';
import { contacts, whatsappAccounts } from './whatsapp';

/** Mirrors `#contract/domain/messaging`. */
export const conversationStatusEnum = pgEnum('conversation_status', [
  'open',
  'pending',
  'resolved',
  'snoozed',
]);
export const messageDirectionEnum = pgEnum('message_direction', ['inbound', 'outbound']);
export const messageStatusEnum = pgEnum('message_status', ['queued', 'sent', 'delivered', 'read', 'failed']);
export const mediaSourceEnum = pgEnum('media_source', ['inbound', 'upload']);
export const mediaStateEnum = pgEnum('media_state', ['pending', 'ready', 'failed']);

/**
 * One thread per contact per WhatsApp number; it reopens instead of forking. The inbox list is a
 * keyset over (last_message_at desc, id desc); every index starts with organization_id.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    whatsappAccountId: uuid('whatsapp_account_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    status: conversationStatusEnum('status').notNull().default('open'),
    /** With status snoozed: until then; null means until the customer's next message. */
    snoozedUntil: ts('snoozed_until'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    /**
     * The owner of the conversation's WhatsApp number (`whatsapp_accounts.owner_user_id`),
     * copied here so the visibility rule reads it from the row like the assignee and team; the
     * owner change rewrites it for all of the number's conversations in one transaction.
     */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    important: boolean('important').notNull().default(false),
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    unreadCount: integer('unread_count').notNull().default(0),
    lastMessageAt: ts('last_message_at'),
    lastMessageId: uuid('last_message_id'),
    lastMessagePreview: text('last_message_preview'),
    lastMessageType: text('last_message_type'),
    lastMessageDirection: messageDirectionEnum('last_message_direction'),
    lastMessageStatus: messageStatusEnum('last_message_status'),
    lastInboundAt: ts('last_inbound_at'),
    /**
     * The first inbound message the customer is still waiting on a reply to: set by ingest when
     * null, cleared by an outbound message. The inbox's "Waiting" column and sort.
     */
    waitingSince: ts('waiting_since'),
    /**
     * New or reopened while unassigned, in a team or number with auto-assignment: waits in the
     * queue for an available member (domain/assignment). Cleared when anyone assigns it.
     */
    autoAssignPending: boolean('auto_assign_pending').notNull().default(false),
    /** The 24-hour customer-service window: Meta's timestamp of the last inbound message + 24 h. */
    windowExpiresAt: ts('window_expires_at'),
    /** Allocator of messages.conv_seq: bumped in the transaction that inserts the message. */
    lastConvSeq: bigint('last_conv_seq', { mode: 'number' }).notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    uniqueIndex('conversations_org_account_contact_key').on(
      t.organizationId,
      t.whatsappAccountId,
      t.contactId,
    ),
    unique('conversations_org_id_key').on(t.organizationId, t.id),
    index('conversations_org_last_message_idx').on(
      t.organizationId,
      t.lastMessageAt.desc().nullsLast(),
      t.id.desc(),
    ),
    index('conversations_org_assignee_idx').on(
      t.organizationId,
      t.assigneeId,
      t.lastMessageAt.desc().nullsLast(),
    ),
    index('conversations_org_team_idx').on(t.organizationId, t.teamId, t.lastMessageAt.desc().nullsLast()),
    index('conversations_org_status_idx').on(t.organizationId, t.status, t.lastMessageAt.desc().nullsLast()),
    index('conversations_org_contact_idx').on(t.organizationId, t.contactId),
    // The auto-assignment queue (small: unassigned conversations waiting for someone).
    index('conversations_org_auto_assign_idx')
      .on(t.organizationId, t.waitingSince)
      .where(sql`${t.autoAssignPending}`),
    foreignKey({
      name: 'conversations_account_fk',
      columns: [t.organizationId, t.whatsappAccountId],
      foreignColumns: [whatsappAccounts.organizationId, whatsappAccounts.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'conversations_contact_fk',
      columns: [t.organizationId, t.contactId],
      foreignColumns: [contacts.organizationId, contacts.id],
    }).onDelete('cascade'),
  ],
);

/** Stored media bytes (inbound from Meta, or uploaded by an agent), tenant-scoped. */
export const media = pgTable(
  'media',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    /** Hex SHA-256 of the bytes; null while an inbound fetch is pending. */
    sha256: text('sha256'),
    mimeType: text('mime_type').notNull(),
    size: bigint('size', { mode: 'number' }),
    fileName: text('file_name'),
    /** Key in the MediaStore (`<org>/<sha-prefix>/<id>`); null until the bytes are stored. */
    storageKey: text('storage_key'),
    source: mediaSourceEnum('source').notNull(),
    state: mediaStateEnum('state').notNull().default('pending'),
    /** Inbound: Meta's media id to fetch. */
    metaMediaId: text('meta_media_id'),
    whatsappAccountId: uuid('whatsapp_account_id'),
    /** Outbound: the id Meta gave the upload, reused for 30 days. */
    metaUploadedId: text('meta_uploaded_id'),
    metaUploadedAt: ts('meta_uploaded_at'),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    unique('media_org_id_key').on(t.organizationId, t.id),
    index('media_org_sha_idx').on(t.organizationId, t.sha256),
  ],
);

/**
 * A message. `id` is client-generated for outbound sends (UUIDv7) and random for inbound.
 * `(organization_id, wa_message_id)` is the inbound dedupe key (`insert … on conflict do nothing`);
 * `(organization_id, conversation_id, conv_seq)` the gap-free order within the conversation.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull(),
    convSeq: bigint('conv_seq', { mode: 'number' }).notNull(),
    direction: messageDirectionEnum('direction').notNull(),
    type: text('type').notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** The API key that sent it (integrator sends); the thread shows "via API key ‹name›". */
    apiKeyId: uuid('api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    text: text('text'),
    caption: text('caption'),
    /** Type-specific parts: location, contacts, interactive, template, reaction, order, system, unsupported, referral, media flags. */
    content: jsonb('content'),
    mediaId: uuid('media_id').references(() => media.id, { onDelete: 'set null' }),
    replyToMessageId: uuid('reply_to_message_id'),
    replyToWamid: text('reply_to_wamid'),
    forwarded: boolean('forwarded').notNull().default(false),
    frequentlyForwarded: boolean('frequently_forwarded').notNull().default(false),
    status: messageStatusEnum('status').notNull(),
    statusAt: ts('status_at'),
    errorCode: text('error_code'),
    errorTitle: text('error_title'),
    errorMessage: text('error_message'),
    waMessageId: text('wa_message_id'),
    /** Meta's timestamp for inbound messages; acceptance time for outbound. */
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    uniqueIndex('messages_org_conv_seq_key').on(t.organizationId, t.conversationId, t.convSeq),
    uniqueIndex('messages_org_wamid_key').on(t.organizationId, t.waMessageId),
    /** The organization-wide keyset of `GET /api/v1/messages` (newest first). */
    index('messages_org_created_idx').on(t.organizationId, t.createdAt.desc(), t.id.desc()),
    foreignKey({
      name: 'messages_conversation_fk',
      columns: [t.organizationId, t.conversationId],
      foreignColumns: [conversations.organizationId, conversations.id],
    }).onDelete('cascade'),
  ],
);

/**
 * Every (wamid, status) Meta reported, once: the dedupe of status webhooks, and the record that
 * lets a status arriving before its message's wamid is known be applied when it becomes known.
 */
export const messageStatusEvents = pgTable(
  'message_status_events',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    waMessageId: text('wa_message_id').notNull(),
    status: text('status').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    /** `biz_opaque_callback_data` (our message id for sends through Parley). */
    callbackData: text('callback_data'),
    /** Failed statuses: Meta's first error object ({code,title,message,details}). */
    error: jsonb('error'),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.waMessageId, t.status] }),
    // reconcileByCallbackData: statuses carrying our message id before its wamid is known.
    index('message_status_events_org_callback_idx')
      .on(t.organizationId, t.callbackData)
      .where(sql`${t.callbackData} is not null`),
  ],
);

/**
 * One reaction per reactor per message. A removal keeps the row with a null emoji (a tombstone),
 * so a redelivered older reaction cannot resurrect it (`reacted_at` guards the update).
 */
export const reactions = pgTable(
  'reactions',
  {
    /** The sync id of this (message, reactor) pair. */
    id: uuid('id').notNull().defaultRandom(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    /** The conversation of the message (sync scope key). */
    conversationId: uuid('conversation_id'),
    /** `customer`, or the id of the agent who reacted. */
    reactor: text('reactor').notNull(),
    /** Null once removed. */
    emoji: text('emoji'),
    /** The wamid of the reaction message itself. */
    waMessageId: text('wa_message_id'),
    reactedAt: ts('reacted_at').notNull(),
    version: version(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.messageId, t.reactor] }),
    uniqueIndex('reactions_id_key').on(t.id),
  ],
);
