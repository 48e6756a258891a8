// The server under test for HTTP benchmarks: Parley's real app (buildApp) on a migrated
// database, with one organization, its admin and 25 members, listening on 127.0.0.1.
// Prints {"port","token","engine"} once ready. DATABASE_URL selects PostgreSQL; otherwise PGlite in
// a fresh temporary directory (the embedded default, same code path as production). On PGlite,
// `engine` holds how fast the engine alone runs the route's reads, measured here on the server's
// core before listening: the ceiling of the HTTP number (see bench/http-auth.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/src/app';
import { openDatabase } from '../../server/src/storage/db';
import { memberPage } from '../../server/src/storage/queries/members';

const dir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), 'parley-bench-'));
const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL,
  pgliteDir: dir ? join(dir, 'pg') : undefined,
});
await database.migrate();
const app = await buildApp({
  config: {
    secretKey: 'bench-secret-key-bench-secret-key-0123456789',
    publicUrl: 'http://127.0.0.1',
    allowSignup: true,
  },
  database,
});

const email = `admin-${Date.now()}@bench.parley.test`;
const signup = await app.inject({
  method: 'POST',
  url: '/api/v1/signup',
  payload: { organizationName: 'Bench Org', name: 'Bench Admin', email, password: 'bench-password-123' },
});
if (signup.statusCode !== 200 && signup.statusCode !== 201) throw new Error(`signup failed: ${signup.body}`);
const { accessToken, user } = signup.json() as { accessToken: string; user: { organizationId: string } };
for (let i = 0; i < 25; i += 1) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { authorization: `Bearer ${accessToken}` },
    payload: {
      email: `agent-${i}-${Date.now()}@bench.parley.test`,
      name: `Agent ${i}`,
      role: 'agent',
      mode: 'password',
    },
  });
  if (res.statusCode >= 300) throw new Error(`invite failed: ${res.body}`);
}

/** Sequential calls per second of `run` over about `ms` milliseconds, after a warm-up. */
async function rate(run: () => Promise<unknown>, ms = 1500): Promise<number> {
  for (let i = 0; i < 100; i += 1) await run();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await run();
    n += 1;
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

// PGlite is one single-threaded engine in this process, so its sequential rate is its throughput:
// no request can be answered faster than the page read it contains. (PostgreSQL serves the pool's
// connections in parallel in other processes, so a sequential rate says nothing there.)
const engine =
  database.engine === 'pglite'
    ? {
        select1PerS: await rate(() => database.ping()),
        // The route's own statement: the first page, limit + 1 rows.
        pageReadPerS: await rate(() => memberPage(database.db, user.organizationId, undefined, 51)),
      }
    : undefined;

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(
  JSON.stringify({
    port: typeof address === 'object' && address ? address.port : 0,
    token: accessToken,
    engine,
  }),
);

process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => database.close())
    .finally(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
});
