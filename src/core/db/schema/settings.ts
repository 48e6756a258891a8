import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Per-user preferences that belong to this replica (for example the notification opt-in).
 * Values are JSON text and are parsed with a schema when read back. App-wide preferences that
 * the sign-in screen needs (the theme) live in `settings.json` in the data directory instead.
 */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  /** When the value was last written, ISO 8601. */
  updatedAt: text('updated_at').notNull(),
});
