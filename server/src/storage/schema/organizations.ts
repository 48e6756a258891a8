import { text, pgTable } from 'drizzle-orm/pg-core';
import { id, ts } from './columns';

/** A tenant. Nothing of one organization is ever visible to another. */
export const organizations = pgTable('organizations', {
  id: id(),
  name: text('name').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});
