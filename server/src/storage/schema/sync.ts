import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizationId, ts } from './columns';
import { conversations } from './messaging';
import { organizations } from './organizations';

/**
 * One row per tenant (sync-protocol §2.2). Its row lock, taken by the last statement of every
 * write transaction (`change-log.ts`), orders the tenant's commits: gap-free, seq order = commit order.
 */
export const syncClock = pgTable('sync_clock', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  seq: bigint('seq', { mode: 'number' }).notNull().default(0),
  /** Retention floor: a client cursor below it must re-bootstrap. */
  floorSeq: bigint('floor_seq', { mode: 'number' }).notNull().default(0),
});

/** The per-tenant change index: which entity changed at which seq (the tables hold the truth). */
export const syncLog = pgTable(
  'sync_log',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** conversation | message | contact | template | whatsapp_account | media | user | team | … */
    entity: text('entity').notNull(),
    entityId: uuid('entity_id').notNull(),
    /** 1 put, 2 del, 3 revoke, 4 grant, 5 group_join, 6 group_leave (`SyncOp`). */
    op: smallint('op').notNull(),
    /** Scope join key of conversation-scoped entities. */
    conversationId: uuid('conversation_id'),
    /** Target user of revoke/grant/group_* entries. */
    subjectUser: uuid('subject_user'),
    clientId: uuid('client_id'),
    mutationId: bigint('mutation_id', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.seq] })],
);

/** A client replica of a user (sync-protocol §2.4), for mutation dedupe and lag metrics. */
export const syncClients = pgTable(
  'sync_clients',
  {
    clientId: uuid('client_id').primaryKey(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    lastMutationId: bigint('last_mutation_id', { mode: 'number' }).notNull().default(0),
    lastSeenAt: ts('last_seen_at'),
    lastCursor: bigint('last_cursor', { mode: 'number' }),
  },
  (t) => [index('sync_clients_org_user_idx').on(t.organizationId, t.userId)],
);

/** The outcome of each pushed mutation, returned to the client with its ack seq. */
export const syncMutationResults = pgTable(
  'sync_mutation_results',
  {
    clientId: uuid('client_id').notNull(),
    mutationId: bigint('mutation_id', { mode: 'number' }).notNull(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }),
    status: text('status').notNull(),
    error: jsonb('error'),
    /** When it was processed; results are kept 30 days (`domain/sync/retention.ts`). */
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.mutationId] }),
    index('sync_mutation_results_org_idx').on(t.organizationId),
    index('sync_mutation_results_created_idx').on(t.createdAt),
  ],
);

/**
 * Per-user read marker of a conversation (sync-protocol §2.9 "read or unread per agent"): the
 * highest `conv_seq` the user has read. Only ever raised (`greatest`), so it never conflicts.
 */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    organizationId: organizationId(),
    conversationId: uuid('conversation_id').notNull(),
    userId: uuid('user_id').notNull(),
    readUpToConvSeq: bigint('read_up_to_conv_seq', { mode: 'number' }).notNull().default(0),
    /**
     * The user marked it unread (`conversation.markUnread`): their projection of the row shows at
     * least one unread until they read it again (`conversation.markRead` clears it). Per-user, so
     * a teammate's inbox is unaffected.
     */
    markedUnread: boolean('marked_unread').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.conversationId, t.userId] }),
    foreignKey({
      name: 'conversation_reads_conversation_fk',
      columns: [t.organizationId, t.conversationId],
      foreignColumns: [conversations.organizationId, conversations.id],
    }).onDelete('cascade'),
  ],
);

/**
 * Organization-wide policies of the sync scope (decision 4). Absent row = defaults. With
 * `agents_see_all_team_conversations`, agents see every conversation of their teams, not only
 * the unassigned queue.
 */
export const organizationSettings = pgTable('organization_settings', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  agentsSeeAllTeamConversations: boolean('agents_see_all_team_conversations').notNull().default(false),
  /** IANA time zone of the organization: business hours, report days and the heatmap use it. */
  timeZone: text('time_zone').notNull().default('UTC'),
  /**
   * Opening hours per ISO weekday (index 0 = Monday): `[{from:'09:00',to:'17:00'}, …]` each;
   * null = no business hours (always open). Read by `report_business_seconds()` (reports) and
   * the away message (`#contract/api/organization` BusinessHours).
   */
  businessHours: jsonb('business_hours'),
  /** The away message: off by default; sent once per gap outside business hours. */
  awayMessageEnabled: boolean('away_message_enabled').notNull().default(false),
  awayMessageText: text('away_message_text'),
  awayMessageGapMinutes: integer('away_message_gap_minutes').notNull().default(720),
  /**
   * The number `POST /api/v1/messages` sends from when the caller names none (issue 10); null =
   * the only connected number, if there is exactly one.
   */
  defaultWhatsappAccountId: uuid('default_whatsapp_account_id'),
  /**
   * Outbound messages allowed per calendar month (UTC), overriding `MONTHLY_MESSAGE_QUOTA`;
   * null = the configured default (unset there = unlimited). Counted in `message_quota_usage`.
   */
  monthlyMessageQuota: integer('monthly_message_quota'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Where each tenant's log stood at a point in time (written by the retention job), so the
 * 30-day floor (decision 5) is a lookup, not a scan of `sync_log`, which has no timestamps.
 */
export const syncRetentionMarks = pgTable(
  'sync_retention_marks',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    markedAt: ts('marked_at').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.markedAt] })],
);
