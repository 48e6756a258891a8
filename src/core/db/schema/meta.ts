import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Facts about this replica as key/value pairs: the server URL, the signed-in user (JSON) for an
 * offline start, and the `clientId` (a UUIDv7 generated once per replica, see
 * design/sync-protocol.md §2.13). Later issues add the sync cursor here or in its own table.
 */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
