import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp, type AppDeps } from '../src/app';
import type { Clock } from '../src/lib/clock';
import { openDatabase, type Database } from '../src/storage/db';

/** A clock tests can move. */
export type TestClock = Clock & { advance: (ms: number) => void; set: (date: Date) => void };

/**
 * Real time plus an offset tests can move: rows still get increasing timestamps (keyset order),
 * and `advance` jumps past expiry or throttling windows.
 */
export function createTestClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
    set: (date) => {
      offset = date.getTime() - Date.now();
    },
  };
}

const KEY = Symbol.for('parley.testDatabase');
const URL_KEY = Symbol.for('parley.testDatabaseUrl');
type Holder = { [KEY]?: Promise<Database>; [URL_KEY]?: string | undefined };

/**
 * The test database, opened and migrated once per worker: PostgreSQL at DATABASE_URL when set
 * (`npm run test:pg`), else an in-memory PGlite. PGlite takes seconds to start, so it is never
 * created per test; tests isolate themselves by creating fresh organizations and unique e-mails.
 * Kept on globalThis so test files that share a worker also share the instance.
 */
export function testDatabase(): Promise<Database> {
  const holder = globalThis as Holder;
  holder[KEY] ??= (async () => {
    const databaseUrl = process.env.DATABASE_URL ? await workerDatabase(process.env.DATABASE_URL) : undefined;
    holder[URL_KEY] = databaseUrl;
    const database = await openDatabase({ databaseUrl, poolSize: 4 });
    await database.migrate();
    return database;
  })();
  return holder[KEY];
}

/** The PostgreSQL URL of this worker's test database (undefined on PGlite); after testDatabase(). */
export const testDatabaseUrl = (): string | undefined => (globalThis as Holder)[URL_KEY];

/**
 * On PostgreSQL, one database per test worker, like PGlite's one instance per worker: background
 * processors (webhook receipts, job queues, leases) of one worker's apps must not pick up work
 * another worker's apps stored. Created beside DATABASE_URL's database as `<name>_w<pool id>`
 * (`scripts/with-pg-database.mjs` drops them with it).
 */
async function workerDatabase(url: string): Promise<string> {
  const pool = process.env.VITEST_POOL_ID;
  if (!pool) return url;
  const base = new URL(url);
  const name = `${decodeURIComponent(base.pathname.slice(1))}_w${pool}`;
  if (!/^[a-z0-9_]+$/i.test(name)) return url;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  } catch (e) {
    // Another file of the same worker raced us to it: fine.
    if ((e as { code?: string }).code !== '42P04') throw e;
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

/** Overrides for {@link buildTestApp}. */
export type TestAppOptions = Omit<Partial<AppDeps>, 'config' | 'database'> & {
  config?: Partial<AppDeps['config']>;
};

/** A ready app over the shared test database, plus handles tests need. */
export type TestApp = { app: FastifyInstance; database: Database; clock: TestClock };

/** Test secret; never used outside tests. */
export const TEST_SECRET_KEY = 'test-secret-key-test-secret-key-0123456789';

/**
 * Builds the app against the shared test database with a movable clock; drive it with
 * `app.inject()`. Close the app in `afterAll`; the database stays open for the worker.
 */
export async function buildTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const database = await testDatabase();
  const clock = (opts.clock as TestClock | undefined) ?? createTestClock();
  const app = await buildApp({
    // Tests sign up hundreds of organizations from 127.0.0.1; the limits have their own test.
    authRateLimits: {
      signup: { max: 100_000, windowMs: 60_000 },
      signIn: { max: 100_000, windowMs: 60_000 },
    },
    ...opts,
    clock,
    database,
    config: {
      secretKey: TEST_SECRET_KEY,
      publicUrl: 'http://parley.test',
      allowSignup: true,
      ...opts.config,
    },
  });
  await app.ready();
  return { app, database, clock };
}
