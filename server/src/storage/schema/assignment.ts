import { check, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { organizationId, ts } from './columns';
import { organizations } from './organizations';

/**
 * Where auto-assignment is on (off by default: no row). One row per team (`kind = team`) or
 * WhatsApp number (`kind = number`) an admin switched on. A table of its own rather than a column
 * on teams and numbers, so turning it on or off never touches (or re-syncs) those rows.
 */
export const autoAssignScopes = pgTable(
  'auto_assign_scopes',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['team', 'number'] }).notNull(),
    targetId: uuid('target_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.kind, t.targetId] }),
    check('auto_assign_scopes_kind_check', sql`${t.kind} in ('team', 'number')`),
  ],
);
