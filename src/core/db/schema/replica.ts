import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Server-truth tables (design/sync-protocol.md §2.8): written ONLY by the sync applier, always
 * version-guarded (`version` = the seq of the row's last change). Each keeps the row as the
 * server sent it (`row`, JSON parsed with the protocol schema on the way in) plus the columns the
 * inbox queries filter and sort on. Read views and overlays live in `outbox.ts` and the custom
 * migration (views, triggers, FTS5).
 */

/** Conversations in the user's scope. */
/** The "Waiting longest" key of a conversation row, as inbox-queries.ts writes it. */
const waitingSince = sql`row ->> '$.waitingSince'`;
const isWaiting = sql`row ->> '$.waitingSince' IS NOT NULL`;

export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    version: integer('version').notNull(),
    status: text('status').notNull(),
    snoozedUntil: text('snoozed_until'),
    assigneeId: text('assignee_id'),
    teamId: text('team_id'),
    /** 0/1. */
    important: integer('important').notNull(),
    /** JSON array of strings. */
    labels: text('labels').notNull(),
    unreadCount: integer('unread_count').notNull(),
    readUpToConvSeq: integer('read_up_to_conv_seq').notNull(),
    lastConvSeq: integer('last_conv_seq').notNull(),
    contactId: text('contact_id').notNull(),
    whatsappAccountId: text('whatsapp_account_id').notNull(),
    /** Epoch ms of `lastMessageAt ?? createdAt`: the inbox order (desc, then id desc). */
    sortAt: integer('sort_at').notNull(),
    /** JSON array of scope reasons (`assignee`, `role`, `team:<id>`), §2.3. */
    scope: text('_scope').notNull(),
    /** The ConversationRow JSON. */
    row: text('row').notNull(),
  },
  (t) => [
    index('conversations_status_sort_idx').on(t.status, t.sortAt, t.id),
    index('conversations_assignee_sort_idx').on(t.assigneeId, t.status, t.sortAt, t.id),
    index('conversations_team_sort_idx').on(t.teamId, t.status, t.sortAt, t.id),
    index('conversations_unread_sort_idx')
      .on(t.status, t.sortAt, t.id)
      .where(sql`${t.unreadCount} > 0`),
    index('conversations_important_sort_idx')
      .on(t.status, t.sortAt, t.id)
      .where(sql`${t.important} = 1`),
    index('conversations_contact_idx').on(t.contactId),
    index('conversations_sort_idx').on(t.sortAt, t.id),
    // "Waiting longest" (inbox-queries.ts): customers waiting for a reply, oldest first, per view.
    // The expression must be written as the query writes it for SQLite to match it.
    index('conversations_status_wait_idx').on(t.status, waitingSince, t.id).where(isWaiting),
    index('conversations_assignee_wait_idx').on(t.assigneeId, t.status, waitingSince, t.id).where(isWaiting),
    index('conversations_team_wait_idx').on(t.teamId, t.status, waitingSince, t.id).where(isWaiting),
  ],
);

/**
 * Messages. `rid` is an explicit INTEGER PRIMARY KEY (a stable rowid) so the FTS5 index can be
 * keyed by it; the UUID `id` is unique.
 */
export const messages = sqliteTable(
  'messages',
  {
    rid: integer('rid').primaryKey(),
    id: text('id').notNull(),
    version: integer('version').notNull(),
    conversationId: text('conversation_id').notNull(),
    convSeq: integer('conv_seq').notNull(),
    /** Text, caption or rendered template body, indexed for search. */
    searchText: text('search_text'),
    /** The MessageRow JSON (without reactions; those are rows of `reactions`). */
    row: text('row').notNull(),
  },
  (t) => [
    uniqueIndex('messages_id_idx').on(t.id),
    index('messages_conversation_seq_idx').on(t.conversationId, t.convSeq),
  ],
);

/** Contacts referenced by conversations in scope. `rid` keys the FTS5 index. */
export const contacts = sqliteTable(
  'contacts',
  {
    rid: integer('rid').primaryKey(),
    id: text('id').notNull(),
    version: integer('version').notNull(),
    /** Name, profile name, phone, phone digits, WhatsApp id and username, for search. */
    searchText: text('search_text').notNull(),
    row: text('row').notNull(),
  },
  (t) => [uniqueIndex('contacts_id_idx').on(t.id)],
);

/** Internal notes. */
export const notes = sqliteTable(
  'notes',
  {
    id: text('id').primaryKey(),
    version: integer('version').notNull(),
    conversationId: text('conversation_id').notNull(),
    createdAt: text('created_at').notNull(),
    row: text('row').notNull(),
  },
  (t) => [index('notes_conversation_idx').on(t.conversationId, t.createdAt)],
);

/** Reactions, one row per (message, reactor). */
export const reactions = sqliteTable(
  'reactions',
  {
    id: text('id').primaryKey(),
    version: integer('version').notNull(),
    conversationId: text('conversation_id').notNull(),
    messageId: text('message_id').notNull(),
    row: text('row').notNull(),
  },
  (t) => [
    index('reactions_message_idx').on(t.messageId),
    index('reactions_conversation_idx').on(t.conversationId),
  ],
);

/** Message templates (tenant-public). */
export const templates = sqliteTable('templates', {
  id: text('id').primaryKey(),
  version: integer('version').notNull(),
  name: text('name').notNull(),
  row: text('row').notNull(),
});

/** Members of the organization (tenant-public). */
export const members = sqliteTable('members', {
  id: text('id').primaryKey(),
  version: integer('version').notNull(),
  name: text('name').notNull(),
  row: text('row').notNull(),
});

/** Teams (tenant-public). */
export const teams = sqliteTable('teams', {
  id: text('id').primaryKey(),
  version: integer('version').notNull(),
  name: text('name').notNull(),
  row: text('row').notNull(),
});

/** Labels: names with colours (tenant-public). Conversations carry the names in `labels`. */
export const labels = sqliteTable('labels', {
  id: text('id').primaryKey(),
  version: integer('version').notNull(),
  name: text('name').notNull(),
  row: text('row').notNull(),
});

/**
 * Canned responses this member may use: the organization's and their own personal ones (the
 * server sends nobody else's). `name` holds the shortcut.
 */
export const cannedResponses = sqliteTable('canned_responses', {
  id: text('id').primaryKey(),
  version: integer('version').notNull(),
  name: text('name').notNull(),
  row: text('row').notNull(),
});

/**
 * The organization's business hours (one row, keyed by the organization id; tenant-public):
 * the app's "outside business hours" and away-message state, offline too. `name` holds the
 * time zone.
 */
export const businessHours = sqliteTable('business_hours', {
  id: text('id').primaryKey(),
  version: integer('version').notNull(),
  name: text('name').notNull(),
  row: text('row').notNull(),
});

/** Connected WhatsApp numbers (tenant-public; never secrets). */
export const whatsappAccounts = sqliteTable('whatsapp_accounts', {
  id: text('id').primaryKey(),
  version: integer('version').notNull(),
  name: text('name').notNull(),
  row: text('row').notNull(),
});

/**
 * Inbox counts per bucket and status, maintained by triggers on `conversations` in the same
 * transaction as every apply (never a count(*) over the table). Buckets: `all`, `u`
 * (unassigned), `a:<assigneeId>`, `t:<teamId>`. Pending overlays are added at read time.
 */
export const inboxCounts = sqliteTable(
  'inbox_counts',
  {
    bucket: text('bucket').notNull(),
    status: text('status').notNull(),
    total: integer('total').notNull(),
    unread: integer('unread').notNull(),
    important: integer('important').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.status] })],
);
