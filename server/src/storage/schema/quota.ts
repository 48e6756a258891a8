import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { organizationId, ts } from './columns';
import { organizations } from './organizations';

/**
 * Outbound messages accepted per organization per calendar month (UTC), for the monthly quota
 * (issue 10). The send transaction increments its row with a conditional upsert, so the count is
 * race-free across server processes without reading the messages table.
 */
export const messageQuotaUsage = pgTable(
  'message_quota_usage',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    /** `YYYY-MM` of the month counted (UTC). */
    month: text('month').notNull(),
    sent: integer('sent').notNull().default(0),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.month] })],
);
