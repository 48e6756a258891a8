import { sql } from 'drizzle-orm';
import {
  bigint,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { organizations } from './organizations';

// The reports' stored events (issue 13). Both tables are maintained by database triggers in the
// transaction that inserts the messages or changes a conversation's status (migrations
// `report_triggers` and `report_rollups`, hand-written SQL), so every write path — inbound
// ingest, sends, the REST and sync status changes, the demo — feeds them, and a report reads a
// few thousand rows instead of scanning messages or cycles (docs/decisions.md, "Reports from
// cycles and an hourly rollup", "Reports from rollups").

/**
 * One "cycle" of a conversation: from the moment it opens (a new conversation's first message,
 * a customer writing to a resolved one, an agent reopening it) to its resolution. A reopened
 * conversation starts a new cycle. At most one open cycle per conversation (partial unique index).
 * Durations are stored when they become known: wall-clock seconds, and business seconds under
 * the organization's business hours at that moment (equal to wall-clock without hours).
 */
export const conversationCycles = pgTable(
  'conversation_cycles',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull(),
    whatsappAccountId: uuid('whatsapp_account_id').notNull(),
    /** The conversation's team when the cycle opened, refreshed at first response and resolution. */
    teamId: uuid('team_id'),
    openedAt: ts('opened_at').notNull(),
    /** The customer's first message in this cycle (the start of the first-response clock). */
    firstInboundAt: ts('first_inbound_at'),
    /** The first message an agent wrote after `first_inbound_at` (not system or API messages). */
    firstResponseAt: ts('first_response_at'),
    firstResponderId: uuid('first_responder_id'),
    firstResponseSeconds: doublePrecision('first_response_seconds'),
    firstResponseBusinessSeconds: doublePrecision('first_response_business_seconds'),
    resolvedAt: ts('resolved_at'),
    /** The assignee when it was resolved. */
    resolvedAssigneeId: uuid('resolved_assignee_id'),
    resolutionSeconds: doublePrecision('resolution_seconds'),
    resolutionBusinessSeconds: doublePrecision('resolution_business_seconds'),
  },
  (t) => [
    // The open cycle of a conversation, found by the conversation alone (its id is unique across
    // organizations): the report triggers probe it once per row, and no other index can serve
    // that probe (one on organization_id can, and once walked every open cycle of the organization).
    uniqueIndex('conversation_cycles_open_conversation_key')
      .on(t.conversationId)
      .where(sql`${t.resolvedAt} is null`),
    index('conversation_cycles_org_opened_idx').on(t.organizationId, t.openedAt),
    index('conversation_cycles_org_first_response_idx').on(t.organizationId, t.firstResponseAt),
    index('conversation_cycles_org_resolved_idx').on(t.organizationId, t.resolvedAt),
  ],
);

/**
 * Event counts per 15 minutes (UTC quarters), per measure and dimension. Measures: `inbound` and
 * `outbound` messages, cycles `opened`, `first_response` and `resolved`. Dimensions: `all`
 * (dimension_id the zero uuid), `number` (WhatsApp account), `team` (the conversation's team at
 * the event; zero uuid = none) and `agent` (a message's author, a first response's responder, a
 * resolution's assignee). Every time zone's offset is a whole number of quarters, so local days
 * and hours are sums of whole quarters: the days, the heatmap and the ends of a range that do
 * not fill a UTC day read this table.
 */
export const reportCountQuarters = pgTable(
  'report_count_quarters',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    dimension: text('dimension').notNull(),
    quarter: ts('quarter').notNull(),
    dimensionId: uuid('dimension_id').notNull(),
    measure: text('measure').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.dimension, t.quarter, t.dimensionId, t.measure] }),
    // The days and the heatmap read only `all` (about 1 row in 70 of a busy organization's, one on
    // nearly every heap page): this index holds those rows' every column the query reads, so
    // on pages the visibility map marks all-visible (autovacuum's work) it is an index-only scan
    // of a few hundred index entries per day instead of a heap page per row.
    index('report_count_quarters_all_idx')
      .on(t.organizationId, t.quarter, t.measure, t.count)
      .where(sql`${t.dimension} = 'all'`),
  ],
);

/**
 * The same counts per UTC day: the whole UTC days inside a range come from here, so a 30-day
 * overview reads about 30 × (dimension values) rows, plus at most one day of quarters.
 */
export const reportCountDays = pgTable(
  'report_count_days',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    dimension: text('dimension').notNull(),
    day: ts('day').notNull(),
    dimensionId: uuid('dimension_id').notNull(),
    measure: text('measure').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.dimension, t.day, t.dimensionId, t.measure] })],
);

/**
 * Durations per UTC day as a histogram: per measure (`first_response`, `resolution`), clock
 * (`wall`, `business`) and dimension, the count of durations in each logarithmic bucket
 * (`report_duration_bucket()`, about 2 % wide) with the smallest and largest of them. A median
 * or 90th percentile reads the buckets and interpolates inside the one holding its rank between
 * that minimum and maximum: exact when that bucket holds at most two distinct values, and
 * within the bucket's width otherwise (docs/decisions.md, "Reports from rollups").
 */
export const reportDurationDays = pgTable(
  'report_duration_days',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    measure: text('measure').notNull(),
    clock: text('clock').notNull(),
    day: ts('day').notNull(),
    dimension: text('dimension').notNull(),
    dimensionId: uuid('dimension_id').notNull(),
    bucket: integer('bucket').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.organizationId, t.measure, t.clock, t.day, t.dimension, t.dimensionId, t.bucket],
    }),
  ],
);

/** When the away message last went to a conversation (its "never twice within the gap" rule). */
export const awayMessageMarks = pgTable('away_message_marks', {
  organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').primaryKey(),
  sentAt: ts('sent_at').notNull(),
});
