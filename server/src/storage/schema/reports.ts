import { sql } from 'drizzle-orm';
import {
  bigint,
  doublePrecision,
  index,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { messageDirectionEnum } from './messaging';
import { organizations } from './organizations';

// The reports' stored events (issue 13). Both tables are maintained by database triggers in the
// transaction that inserts the messages or changes a conversation's status (migration
// `report_triggers`, hand-written SQL), so every write path — inbound ingest, sends, the REST and
// sync status changes, the demo — feeds them, and a report reads a few thousand rows instead of
// scanning messages (docs/decisions.md, "Reports from cycles and an hourly rollup").

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
    uniqueIndex('conversation_cycles_open_key')
      .on(t.organizationId, t.conversationId)
      .where(sql`${t.resolvedAt} is null`),
    index('conversation_cycles_org_opened_idx').on(t.organizationId, t.openedAt),
    index('conversation_cycles_org_first_response_idx').on(t.organizationId, t.firstResponseAt),
    index('conversation_cycles_org_resolved_idx').on(t.organizationId, t.resolvedAt),
  ],
);

/**
 * Messages per UTC hour, per dimension: `all` (dimension_id the zero uuid), `number` (WhatsApp
 * account), `team` (the conversation's team when the message was stored; zero uuid = none) and
 * `agent` (outbound messages by their author). A 30-day overview reads at most
 * 720 hours × (2 + numbers + teams + agents) rows.
 */
export const reportMessageHours = pgTable(
  'report_message_hours',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    dimension: text('dimension').notNull(),
    hour: ts('hour').notNull(),
    dimensionId: uuid('dimension_id').notNull(),
    direction: messageDirectionEnum('direction').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.dimension, t.hour, t.dimensionId, t.direction] })],
);

/** When the away message last went to a conversation (its "never twice within the gap" rule). */
export const awayMessageMarks = pgTable('away_message_marks', {
  organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').primaryKey(),
  sentAt: ts('sent_at').notNull(),
});
