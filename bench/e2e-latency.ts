// e2e-latency: a signed WhatsApp webhook POSTed → the message committed in a connected client's
// replica, at 200 messages/s with 50 clients (5 managers who see everything, 45 agents with the
// conversations assigned to them, so each message reaches 6 replicas). The clients are the REAL
// client core (sync engine + socket transport + better-sqlite3 replica), all in the load process
// on core 1; Parley runs in its own process on core 0 (webhooks, ingest, tailer, gateway).
// Targets are absolute (sync-protocol §4): p50 ≤ 15 ms, p99 ≤ 50 ms; there is no raw baseline
// for an end-to-end path. Reports the median of the windows (WINDOWS × SECONDS) on PGlite and,
// when reachable, on the machine's PostgreSQL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, type MetricLine } from './lib/metric';
import { runProcess, startProcess } from './lib/processes';
import { freshPostgres } from './lib/postgres';

const serverEntry = fileURLToPath(new URL('./servers/parley-sync.ts', import.meta.url));
const loadEntry = fileURLToPath(new URL('./e2e-latency-load.ts', import.meta.url));

type LoadResult = {
  p50: number;
  p99: number;
  windows: {
    p50: number;
    p99: number;
    deliveries: number;
    missing: number;
    posted: number;
    retries: number;
  }[];
  clients: number;
  rate: number;
  seconds: number;
};

async function measure(engine: 'pglite' | 'postgres', databaseUrl?: string): Promise<MetricLine[]> {
  const server = await startProcess<Record<string, unknown>>(serverEntry, {
    cpu: 0,
    env: { DATABASE_URL: databaseUrl ?? '', ORGS: '1', MANAGERS: '5', AGENTS: '45' },
    timeoutMs: 120_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-e2e-'));
  const file = join(dir, 'server.json');
  writeFileSync(file, JSON.stringify(server.info));
  try {
    const r = await runProcess<LoadResult>(loadEntry, { cpu: 1, env: { SERVER_INFO_FILE: file } });
    const notes = {
      engine,
      clients: r.clients,
      ratePerS: r.rate,
      secondsPerWindow: r.seconds,
      windows: r.windows.map((w) => ({ ...w, p50: round(w.p50), p99: round(w.p99) })),
      client: 'real client core (src/core/sync engine + socket transport + better-sqlite3 replica)',
    };
    return [
      {
        metric: `e2e-latency.${engine}.p50_ms`,
        value: round(r.p50),
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: { max: 15 },
        notes,
      },
      {
        metric: `e2e-latency.${engine}.p99_ms`,
        value: round(r.p99),
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: { max: 50 },
        notes: { engine },
      },
    ];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark (registered in bench/run.ts). */
export async function* run(): AsyncIterable<MetricLine> {
  yield* await measure('pglite');
  const pgdb = await freshPostgres('parley_bench_e2e');
  if (!pgdb) {
    console.error('#   e2e-latency: no PostgreSQL at PG_ADMIN_URL; PostgreSQL lines skipped');
    return;
  }
  try {
    yield* await measure('postgres', pgdb.url);
  } finally {
    await pgdb.drop();
  }
}
