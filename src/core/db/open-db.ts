import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index';
import { applyMigrations } from './migrate';

/** A drizzle handle over the replica schema. */
export type ReplicaDb = BetterSQLite3Database<typeof schema>;

/** An open replica: the drizzle handle, the raw connection (for pragmas and tests), close(). */
export interface OpenReplica {
  db: ReplicaDb;
  sqlite: Database.Database;
  close(): void;
}

/**
 * Opens (creating if needed) a replica file, or `:memory:`, and migrates it before returning,
 * so no query ever runs against an old schema.
 *
 * Pragmas: WAL lets readers proceed while the sync engine writes; foreign keys are enforced;
 * synchronous=NORMAL is durable across application crashes in WAL mode and only risks the last
 * transactions on power loss, which is fine for data the server can resend. Outbox writes (the
 * next issue) must not be lost that way: they will switch to synchronous=FULL around their
 * transaction.
 */
export function openReplicaDb(file: string, migrationsDir: string): OpenReplica {
  const sqlite = new Database(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    const db = drizzle(sqlite, { schema });
    applyMigrations(db, migrationsDir);
    return { db, sqlite, close: () => sqlite.close() };
  } catch (e) {
    sqlite.close();
    throw e;
  }
}
