import { connect, createServer, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './db';

// PostgreSQL becoming unreachable while a transaction holds a pooled connection must fail that
// transaction, not crash the process (pg emits 'error' on a checked-out client, which has no
// listener unless we attach one). A TCP proxy between the pool and PostgreSQL is cut; the
// machine's PostgreSQL is never stopped. Needs PostgreSQL (PG_ADMIN_URL); skips without it.

const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = new URL(ADMIN_URL);
const reachable = await new Promise<boolean>((resolve) => {
  const s = connect({ host: admin.hostname, port: Number(admin.port || 5432), timeout: 1000 }, () => {
    s.destroy();
    resolve(true);
  });
  s.on('error', () => resolve(false));
  s.on('timeout', () => (s.destroy(), resolve(false)));
});
if (!reachable) console.warn(`connection-loss test skipped: PostgreSQL is not reachable at ${ADMIN_URL}`);

let proxy: Server;
const sockets = new Set<Socket>();
let database: Database;
const warnings: string[] = [];
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);

describe.skipIf(!reachable)('PostgreSQL connection lost mid-transaction', () => {
  beforeAll(async () => {
    proxy = createServer((client) => {
      const upstream = connect(Number(admin.port || 5432), admin.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const url = new URL(ADMIN_URL);
    url.port = String((proxy.address() as { port: number }).port);
    database = await openDatabase({
      databaseUrl: url.toString(),
      poolSize: 2,
      warn: (m) => warnings.push(m),
    });
    process.on('uncaughtException', onUncaught);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await database?.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => proxy?.close(r));
  });

  it('fails the transaction, warns, keeps the process alive, and serves the next query on a fresh connection', async () => {
    let cut!: () => void;
    const inside = new Promise<void>((r) => (cut = r));
    const tx = database.db.transaction(async (t) => {
      await t.execute(sql`select 1`);
      cut();
      // Between statements: the client is checked out, idle in the transaction.
      await new Promise((r) => setTimeout(r, 300));
      await t.execute(sql`select 2`);
    });
    await inside;
    for (const s of sockets) s.destroy();
    await expect(tx).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    expect(uncaught).toEqual([]);
    expect(warnings.some((w) => w.includes('PostgreSQL connection lost'))).toBe(true);
    const res = await database.db.execute(sql`select 3 as n`);
    expect(JSON.stringify(res)).toContain('3');
  });
});
