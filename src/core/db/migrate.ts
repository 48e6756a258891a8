import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

/** The environment variable that overrides where the replica migrations are read from. */
export const MIGRATIONS_DIR_ENV = 'PARLEY_REPLICA_MIGRATIONS';

/**
 * Where the generated replica migrations live, tried in order:
 * 1. `PARLEY_REPLICA_MIGRATIONS` (the Electron main process sets it for the core host: in a
 *    packaged app that is `<resources>/replica-migrations`, copied there by electron-builder's
 *    `extraResources`);
 * 2. next to this module when running from source (tests, the browser harness, `tsx`):
 *    `src/core/db/migrations`;
 * 3. from the bundled `out/main/core-host.js` in a repository checkout (`electron-vite build`
 *    without packaging): `<repo>/src/core/db/migrations`.
 * Throws when none exists: a replica must never open without its schema.
 */
export function resolveMigrationsDir(env: NodeJS.ProcessEnv = process.env): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    env[MIGRATIONS_DIR_ENV],
    join(here, 'migrations'),
    resolve(here, '..', '..', 'src', 'core', 'db', 'migrations'),
  ].filter((c): c is string => typeof c === 'string' && c.length > 0);
  const found = candidates.find((c) => existsSync(join(c, 'meta', '_journal.json')));
  if (!found) throw new Error(`replica migrations not found; looked in: ${candidates.join(', ')}`);
  return found;
}

/**
 * Applies every pending migration in one transaction (drizzle's SQLite migrator wraps the
 * batch in BEGIN/COMMIT and records each in `__drizzle_migrations`). Later issues add
 * conversations, messages and the outbox as further generated files in the same folder; they
 * run here before the sync engine starts, so the outbox and cursor are always on the newest
 * schema. Migrations are additive only (checked by migrations.test.ts).
 */
export function applyMigrations<S extends Record<string, unknown>>(
  db: BetterSQLite3Database<S>,
  migrationsFolder: string,
): void {
  migrate(db, { migrationsFolder });
}
