// api-key-auth: API-key-authenticated `GET /api/v1/messages/:id` requests/s (key hashed and
// checked against the key cache, allow-list, scope, the per-key rate limit counted, the message
// and its conversation's visibility read) against a raw Fastify route answering the same JSON
// bytes. Same process model as http-auth: server on core 0, autocannon on core 1. PGlite and,
// when reachable, PostgreSQL (the target is set there).
import { fileURLToPath } from 'node:url';
import { load } from './lib/load-client';
import { higherIsBetter, type MetricLine } from './lib/metric';
import { startProcess } from './lib/processes';
import { freshPostgres } from './lib/postgres';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = 50;
const parleyEntry = fileURLToPath(new URL('./servers/parley-api.ts', import.meta.url));
const rawEntry = fileURLToPath(new URL('./servers/raw-fastify.ts', import.meta.url));

/** Issue 10's target on PostgreSQL (reported on PGlite for information). */
const TARGET = { ratio: 0.15 };

type Info = { port: number; key: string; messageId: string };

async function measure(engine: 'pglite' | 'postgres', databaseUrl?: string): Promise<MetricLine> {
  const ours = await startProcess<Info>(parleyEntry, {
    cpu: 0,
    // Migrations, sign-up (argon2) and setup take long on a loaded 2-core machine.
    timeoutMs: 240_000,
    env: databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' },
  });
  const path = `/api/v1/messages/${ours.info.messageId}`;
  const url = `http://127.0.0.1:${ours.info.port}${path}`;
  const headers = { authorization: `Bearer ${ours.info.key}` };
  const sample = await fetch(url, { headers });
  if (sample.status !== 200) throw new Error(`GET ${path} answered ${sample.status}: ${await sample.text()}`);
  const body = await sample.text();
  const raw = await startProcess<{ port: number }>(rawEntry, { cpu: 0, env: { RAW_BODY: body } });
  const rawUrl = `http://127.0.0.1:${raw.info.port}${path}`;
  const oursRuns: number[] = [];
  const rawRuns: number[] = [];
  let errors = 0;
  try {
    await load({ url, headers, connections: CONNECTIONS, duration: 1 });
    await load({ url: rawUrl, connections: CONNECTIONS, duration: 1 });
    for (let i = 0; i < REPS; i += 1) {
      const a = await load({ url, headers, connections: CONNECTIONS, duration: DURATION });
      const b = await load({ url: rawUrl, connections: CONNECTIONS, duration: DURATION });
      oursRuns.push(a.requestsPerSecond);
      rawRuns.push(b.requestsPerSecond);
      errors += a.non2xx + b.non2xx;
    }
  } finally {
    await ours.stop();
    await raw.stop();
  }
  return higherIsBetter(`api-key-auth.${engine}.requests_per_s`, 'req/s', oursRuns, rawRuns, TARGET, {
    engine,
    connections: CONNECTIONS,
    durationS: DURATION,
    responseBytes: Buffer.byteLength(body),
    non2xx: errors,
  });
}

/** Runs the benchmark on both engines (`API_KEY_AUTH_ENGINES=postgres` narrows it). */
export async function* run(): AsyncIterable<MetricLine> {
  const engines = process.env.API_KEY_AUTH_ENGINES?.split(',') ?? ['pglite', 'postgres'];
  if (engines.includes('pglite')) yield await measure('pglite');
  if (!engines.includes('postgres')) return;
  const pgdb = await freshPostgres('parley_bench');
  if (!pgdb) {
    console.error('# api-key-auth: no PostgreSQL reachable at PG_ADMIN_URL; PostgreSQL line skipped');
    return;
  }
  try {
    yield await measure('postgres', pgdb.url);
  } finally {
    await pgdb.drop();
  }
}
