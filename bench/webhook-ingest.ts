// webhook-ingest (quality bar G1/G2): signed 0.6 KB Meta text webhooks acknowledged per second by
// `POST /webhooks/whatsapp/:accountId` (signature over the raw bytes, one durable receipt row,
// 200), with Parley's background processor applying them in the same server process meanwhile.
// Baselines from the same run and process model: a raw Fastify route doing one single-row
// autocommit INSERT of the body (PGlite in-process; a `pg` pool of 10 on PostgreSQL), and a raw
// Fastify JSON echo. Then a run at a fixed rate of half the measured maximum for the latency goal.
// Server processes on core 0, autocannon on core 1. PGlite always; PostgreSQL when reachable.
import { fileURLToPath } from 'node:url';
import { higherIsBetter, median, round, type MetricLine } from './lib/metric';
import { runProcess, startProcess, type Started } from './lib/processes';
import { freshPostgres } from './lib/postgres';

const REPS = Number(process.env.BENCH_REPS ?? 3);
// 8 s runs keep both engines (3 reps × 3 servers + the paced run) well under 4 minutes.
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = 50;
const serverEntry = fileURLToPath(new URL('./webhook-ingest-server.ts', import.meta.url));
const loadEntry = fileURLToPath(new URL('./webhook-ingest-load.ts', import.meta.url));
const echoEntry = fileURLToPath(new URL('./servers/raw-fastify.ts', import.meta.url));

type LoadResult = {
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  latency: { p50: number; p99: number; max: number };
  bodyBytes: number;
};
type ParleyInfo = { port: number; accountId: string; appSecret: string; phoneNumberId: string };
type Stats = { receipts: number; unprocessed: number; messages: number };

const load = (
  url: string,
  target: { appSecret: string; phoneNumberId: string },
  duration: number,
  rate?: number,
) =>
  runProcess<LoadResult>(loadEntry, {
    cpu: 1,
    args: [JSON.stringify({ url, ...target, connections: CONNECTIONS, duration, ...(rate && { rate }) })],
  });

const stats = async (port: number): Promise<Stats> =>
  (await fetch(`http://127.0.0.1:${port}/__bench/stats`)).json() as Promise<Stats>;

/** Waits until Parley processed every receipt; returns the seconds it took after the load stopped. */
async function drain(port: number): Promise<number> {
  const start = performance.now();
  while ((await stats(port)).unprocessed > 0) await new Promise((r) => setTimeout(r, 100));
  return (performance.now() - start) / 1000;
}

async function measure(engine: 'pglite' | 'postgres', databaseUrl?: string): Promise<MetricLine[]> {
  const env = { DATABASE_URL: databaseUrl ?? '' };
  const started: Started<unknown>[] = [];
  try {
    const ours = await startProcess<ParleyInfo>(serverEntry, { cpu: 0, env: { ...env, MODE: 'parley' } });
    started.push(ours);
    const insert = await startProcess<{ port: number }>(serverEntry, {
      cpu: 0,
      env: { ...env, MODE: 'raw-insert' },
    });
    started.push(insert);
    const echo = await startProcess<{ port: number }>(echoEntry, { cpu: 0 });
    started.push(echo);
    const target = { appSecret: ours.info.appSecret, phoneNumberId: ours.info.phoneNumberId };
    const oursUrl = `http://127.0.0.1:${ours.info.port}/webhooks/whatsapp/${ours.info.accountId}`;
    const insertUrl = `http://127.0.0.1:${insert.info.port}/webhooks/whatsapp/${ours.info.accountId}`;
    const echoUrl = `http://127.0.0.1:${echo.info.port}/webhooks/whatsapp/${ours.info.accountId}`;

    // Warm-up, then alternate the three so drift on a noisy machine hits them alike.
    await load(oursUrl, target, 2);
    await drain(ours.info.port);
    await load(insertUrl, target, 2);
    await load(echoUrl, target, 2);
    const oursRuns: LoadResult[] = [];
    const insertRuns: LoadResult[] = [];
    const echoRuns: LoadResult[] = [];
    const processed: { perS: number; drainS: number }[] = [];
    for (let i = 0; i < REPS; i += 1) {
      const before = await stats(ours.info.port);
      const a = await load(oursUrl, target, DURATION);
      const drainS = await drain(ours.info.port);
      const after = await stats(ours.info.port);
      oursRuns.push(a);
      processed.push({
        perS: round((after.messages - before.messages) / (DURATION + drainS)),
        drainS: round(drainS),
      });
      insertRuns.push(await load(insertUrl, target, DURATION));
      echoRuns.push(await load(echoUrl, target, DURATION));
    }
    const max = median(oursRuns.map((r) => r.requestsPerSecond));
    const half = Math.max(1, Math.round(max / 2));
    const paced = await load(oursUrl, target, DURATION, half);
    const pacedDrain = await drain(ours.info.port);
    const final = await stats(ours.info.port);

    const acks = oursRuns.map((r) => r.requestsPerSecond);
    const notes = {
      engine,
      connections: CONNECTIONS,
      durationS: DURATION,
      bodyBytes: oursRuns[0]!.bodyBytes,
      non2xx: oursRuns.reduce((s, r) => s + r.non2xx, 0),
      latencyMs: oursRuns.map((r) => r.latency),
      // G3: messages fully applied per second over the run plus its drain (processing shares the
      // server's core with acknowledging).
      processed,
      receiptsProcessed: final.receipts - final.unprocessed,
      messagesStored: final.messages,
    };
    const floor = engine === 'postgres' ? 3000 : 1000;
    return [
      higherIsBetter(
        `webhook-ingest.${engine}.acks_per_s`,
        'req/s',
        acks,
        insertRuns.map((r) => r.requestsPerSecond),
        { ratio: 0.5 },
        {
          ...notes,
          baseline:
            engine === 'postgres'
              ? 'raw pg pool-of-10 single-row insert route'
              : 'raw PGlite single-row insert route',
        },
      ),
      higherIsBetter(
        `webhook-ingest.${engine}.acks_per_s_vs_echo`,
        'req/s',
        acks,
        echoRuns.map((r) => r.requestsPerSecond),
        { ratio: 0.15 },
        {
          engine,
          baseline: 'raw Fastify JSON echo of the same body',
        },
      ),
      higherIsBetter(
        `webhook-ingest.${engine}.acks_per_s_floor`,
        'req/s',
        acks,
        null,
        { min: floor },
        { engine },
      ),
      {
        metric: `webhook-ingest.${engine}.p99_ms_at_half_max`,
        value: paced.latency.p99,
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: { max: 50 },
        notes: {
          engine,
          rate: half,
          achievedPerS: round(paced.requestsPerSecond),
          p50Ms: paced.latency.p50,
          maxMs: paced.latency.max,
          non2xx: paced.non2xx,
          drainAfterS: round(pacedDrain),
        },
      },
    ];
  } finally {
    for (const p of started.reverse()) await p.stop();
  }
}

/** Runs the benchmark on PGlite and, when reachable, PostgreSQL. */
export async function* run(): AsyncIterable<MetricLine> {
  if (process.env.BENCH_ENGINES !== 'postgres') yield* await measure('pglite');
  if (process.env.BENCH_ENGINES === 'pglite') return;
  const pgdb = await freshPostgres('parley_bench_ingest');
  if (!pgdb) {
    console.error('# webhook-ingest: no PostgreSQL reachable at PG_ADMIN_URL; PostgreSQL lines skipped');
    return;
  }
  try {
    yield* await measure('postgres', pgdb.url);
  } finally {
    await pgdb.drop();
  }
}
