// api-send: API-key-authenticated `POST /api/v1/messages` sends ACCEPTED per second (202: key
// checked, scope and rate limit, number and contact resolved, window and opt-out checked, the
// message written with its change-log entries and send job, in one transaction), to one customer
// with an open window. The send worker is off (it would call Meta; delivery is outbound-pacing's
// subject). Target: ≥ 1,000/s on PostgreSQL (absolute, issue 10); the baseline is a raw Fastify
// POST echo in the same run, for scale. PGlite and, when reachable, PostgreSQL.
import { fileURLToPath } from 'node:url';
import { load } from './lib/load-client';
import { higherIsBetter, type MetricLine } from './lib/metric';
import { startProcess } from './lib/processes';
import { freshPostgres } from './lib/postgres';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = 20;
const parleyEntry = fileURLToPath(new URL('./servers/parley-api.ts', import.meta.url));
const rawEntry = fileURLToPath(new URL('./servers/raw-fastify.ts', import.meta.url));

type Info = { port: number; key: string; to: string; whatsappAccountId: string };

async function measure(engine: 'pglite' | 'postgres', databaseUrl?: string): Promise<MetricLine> {
  const ours = await startProcess<Info>(parleyEntry, {
    cpu: 0,
    // Migrations, sign-up (argon2) and setup take long on a loaded 2-core machine.
    timeoutMs: 240_000,
    env: databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' },
  });
  const url = `http://127.0.0.1:${ours.info.port}/api/v1/messages`;
  const headers = { authorization: `Bearer ${ours.info.key}`, 'content-type': 'application/json' };
  const body = JSON.stringify({
    to: ours.info.to,
    whatsappAccountId: ours.info.whatsappAccountId,
    message: { type: 'text', text: 'Your order has shipped' },
  });
  const sample = await fetch(url, { method: 'POST', headers, body });
  if (sample.status !== 202)
    throw new Error(`POST /api/v1/messages answered ${sample.status}: ${await sample.text()}`);
  const raw = await startProcess<{ port: number }>(rawEntry, { cpu: 0 });
  const rawUrl = `http://127.0.0.1:${raw.info.port}/api/v1/messages`;
  const oursRuns: number[] = [];
  const rawRuns: number[] = [];
  let errors = 0;
  try {
    await load({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: 1 });
    for (let i = 0; i < REPS; i += 1) {
      const a = await load({
        url,
        method: 'POST',
        headers,
        body,
        connections: CONNECTIONS,
        duration: DURATION,
      });
      const b = await load({
        url: rawUrl,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: CONNECTIONS,
        duration: DURATION,
      });
      // Only accepted sends count: refused or failed requests are subtracted.
      oursRuns.push(Math.max(0, a.requestsPerSecond - a.non2xx / DURATION));
      rawRuns.push(b.requestsPerSecond);
      errors += a.non2xx;
    }
  } finally {
    await ours.stop();
    await raw.stop();
  }
  return higherIsBetter(
    `api-send.${engine}.accepted_per_s`,
    'sends/s',
    oursRuns,
    rawRuns,
    { min: 1000 },
    {
      engine,
      connections: CONNECTIONS,
      durationS: DURATION,
      non2xx: errors,
    },
  );
}

/** Runs the benchmark on both engines. */
export async function* run(): AsyncIterable<MetricLine> {
  yield await measure('pglite');
  const pgdb = await freshPostgres('parley_bench');
  if (!pgdb) {
    console.error('# api-send: no PostgreSQL reachable at PG_ADMIN_URL; PostgreSQL line skipped');
    return;
  }
  try {
    yield await measure('postgres', pgdb.url);
  } finally {
    await pgdb.drop();
  }
}
