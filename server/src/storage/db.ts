import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock';
import * as schema from './schema/index';

/** The drizzle schema object. */
export type Schema = typeof schema;

/** One drizzle type for both engines: PGlite and node-postgres are both `PgDatabase`s. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** A drizzle transaction handle, usable wherever repositories accept a `Db`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** An open database: the drizzle handle plus lifecycle operations. */
export type Database = {
  db: Db;
  engine: 'pglite' | 'postgres';
  /** Applies pending migrations (idempotent). */
  migrate: () => Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping: () => Promise<void>;
  /** Flushes and closes (PGlite: CHECKPOINT, close, release the data-dir lock). */
  close: () => Promise<void>;
};

/** Where the committed migrations live. */
export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary constant identifying Parley's migration advisory lock. */
const MIGRATION_LOCK_KEY = 7_316_021;

/** Write generations of the drizzle handles that have one (see {@link writeGenerationOf}). */
const writeGenerations = new WeakMap<Db, () => number>();

/**
 * The write generation of a database handle, present only where this process is the database's
 * sole client (PGlite: in memory, or a data directory the data-dir lock gives to one process): a
 * counter that moves before and after every statement that may write (see {@link trackWrites}).
 * An in-process cache that keeps an entry only if the counter did not move while it was read,
 * and drops everything once it moves, is exact. Undefined on PostgreSQL, where other processes
 * write without this one seeing it, and for transaction handles.
 */
export const writeGenerationOf = (db: Db): (() => number) | undefined => writeGenerations.get(db);

/**
 * Statements that cannot change existing rows: plain SELECTs. (A data-modifying CTE starts with
 * WITH; SELECT INTO only creates a new table; the schema defines no functions that write.)
 */
const READ_ONLY = /^\s*select\b/i;

/**
 * Wraps the entry points through which statements reach a PGlite instance (`query` and the `sql`
 * template built on it, `exec`, `transaction`) so that the returned counter moves right before
 * and right after every statement or transaction that may write. Plain SELECTs outside a
 * transaction leave it alone, so the read path keeps its caches. Conservative by design: any
 * non-SELECT statement, any `exec` and any transaction counts as a write, whatever it touches.
 * (The raw `execProtocol*` methods are not wrapped; nothing in the server uses them.)
 */
export function trackWrites(client: PGlite): () => number {
  let generation = 0;
  const around = async <T>(run: () => Promise<T>): Promise<T> => {
    generation += 1;
    try {
      return await run();
    } finally {
      generation += 1;
    }
  };
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((text: string, params?: unknown[], options?: QueryOptions) =>
    READ_ONLY.test(text)
      ? query(text, params, options)
      : around(() => query(text, params, options))) as PGlite['query'];
  client.exec = (text, options) => around(() => exec(text, options));
  client.transaction = ((callback: Parameters<PGlite['transaction']>[0]) =>
    around(() => transaction(callback))) as PGlite['transaction'];
  return () => generation;
}

/** Options for {@link openDatabase}. */
export type OpenDatabaseOptions = {
  /** PostgreSQL URL; when absent PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; absent means in-memory (tests). */
  pgliteDir?: string | undefined;
  /** Max pool size for PostgreSQL. */
  poolSize?: number;
  warn?: (msg: string) => void;
};

/** Opens PostgreSQL (pool) when a URL is given, else PGlite (in `pgliteDir`, locked, or in memory). */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', (e) => opts.warn?.(`PostgreSQL pool error: ${e.message}`));
    // A checked-out client (inside a transaction, between its statements) has no pool listener:
    // its connection dying emits 'error' with none attached, which would crash the process (the
    // cluster fault suite saw it when PostgreSQL became unreachable). The statement in flight
    // still fails, and the pool drops the broken client when it is released.
    pool.on('connect', (client) =>
      client.on('error', (e) => opts.warn?.(`PostgreSQL connection lost: ${e.message}`)),
    );
    const db = drizzleNodePg({ client: pool, schema });
    return {
      db,
      engine: 'postgres',
      migrate: async () => {
        // Several server processes (or test workers) may boot at once: a session advisory lock on
        // one dedicated connection makes them apply migrations one after another.
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
          try {
            await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder });
          } finally {
            await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
          }
        } finally {
          client.release();
        }
      },
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      close: () => pool.end(),
    };
  }
  let lock: DataDirLock | undefined;
  if (opts.pgliteDir) lock = acquireDataDirLock(join(opts.pgliteDir, '..', 'pg.lock'), opts.warn);
  let client: PGlite;
  try {
    client = await PGlite.create(opts.pgliteDir);
  } catch (e) {
    lock?.release();
    throw e;
  }
  const writeGeneration = trackWrites(client);
  const db = drizzlePglite({ client, schema });
  writeGenerations.set(db, writeGeneration);
  let closed = false;
  return {
    db,
    engine: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder }),
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        // Flush WAL into the data files so the next start does not replay it.
        if (opts.pgliteDir) await client.exec('CHECKPOINT');
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}
