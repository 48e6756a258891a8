// e2e-latency: a signed WhatsApp webhook POSTed → the message committed in a connected client's
// replica, at 200 messages/s with 50 clients (5 managers who see everything, 45 agents with the
// conversations assigned to them, so each message reaches 6 replicas). The clients are the REAL
// client core (sync engine + socket transport + better-sqlite3 replica), all in the load process
// on core 1; Parley runs in its own process on core 0 (webhooks, ingest, tailer, gateway).
// Targets are absolute (sync-protocol §4): p50 ≤ 15 ms, p99 ≤ 50 ms; there is no raw baseline
// for an end-to-end path. Reports the median of the windows (WINDOWS × SECONDS) on PGlite and,
// when reachable, on the machine's PostgreSQL; beside them (issue 15) PGlite at a small team's
// load (20 msg/s, 10 clients: p50 ≤ 15, p99 ≤ 50) and PostgreSQL at low load (1 msg/s, one
// client: p50 ≤ 5 ms). Every line's notes carry the stage breakdown of the same run (median over
// the windows of each stage's p50 and p99: the webhook's `ack` as the poster saw it, the
// server's receipt/process/notify/tail/emit/total, the client's `apply`), and stderr prints it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round, type MetricLine } from './lib/metric';
import { runProcess, startProcess } from './lib/processes';
import { freshPostgres } from './lib/postgres';

const serverEntry = fileURLToPath(new URL('./servers/parley-sync.ts', import.meta.url));
const loadEntry = fileURLToPath(new URL('./e2e-latency-load.ts', import.meta.url));

type StageSummary = Record<string, { p50: number; p99: number; n: number }>;
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
    stages: StageSummary;
  }[];
  clients: number;
  rate: number;
  seconds: number;
};

/** The order stages are printed in (the path of one message). */
const STAGE_ORDER = ['ack', 'receipt', 'process', 'notify', 'tail', 'emit', 'total', 'apply'];

/** Per stage, the median over the windows of its p50 and p99. */
function stageMedians(windows: LoadResult['windows']): Record<string, { p50: number; p99: number }> {
  const names = [...new Set(windows.flatMap((w) => Object.keys(w.stages)))];
  names.sort((a, b) => STAGE_ORDER.indexOf(a) - STAGE_ORDER.indexOf(b));
  return Object.fromEntries(
    names.map((k) => {
      const ws = windows.flatMap((w) => (w.stages[k] ? [w.stages[k]] : []));
      return [k, { p50: round(median(ws.map((x) => x.p50))), p99: round(median(ws.map((x) => x.p99))) }];
    }),
  );
}

/** One load shape: the members, the rate, the windows, and the targets of its lines. */
type Scenario = {
  /** Metric name part after the engine (`''` for the main line). */
  label: string;
  managers: number;
  agents: number;
  rate: number;
  windows?: number;
  p50Max: number;
  /** No p99 line when undefined. */
  p99Max?: number;
};

const MAIN: Scenario = { label: '', managers: 5, agents: 45, rate: 200, p50Max: 15, p99Max: 50 };
const SMALL_TEAM: Scenario = {
  label: 'small_team.',
  managers: 2,
  agents: 8,
  rate: 20,
  p50Max: 15,
  p99Max: 50,
};
const LOW_LOAD: Scenario = { label: 'low_load.', managers: 1, agents: 0, rate: 1, windows: 2, p50Max: 5 };

async function measure(
  engine: 'pglite' | 'postgres',
  databaseUrl?: string,
  sc: Scenario = MAIN,
): Promise<MetricLine[]> {
  const server = await startProcess<Record<string, unknown>>(serverEntry, {
    cpu: 0,
    env: {
      DATABASE_URL: databaseUrl ?? '',
      ORGS: '1',
      MANAGERS: String(sc.managers),
      AGENTS: String(sc.agents),
    },
    timeoutMs: 120_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-e2e-'));
  const file = join(dir, 'server.json');
  writeFileSync(file, JSON.stringify(server.info));
  try {
    const r = await runProcess<LoadResult>(loadEntry, {
      cpu: 1,
      env: {
        SERVER_INFO_FILE: file,
        RATE: String(sc.rate),
        ...(sc.windows !== undefined && { WINDOWS: String(sc.windows) }),
      },
    });
    const stages = stageMedians(r.windows);
    const name = `e2e-latency.${engine}.${sc.label}`;
    console.error(
      `#   ${name}stages (ms, p50/p99): ${Object.entries(stages)
        .map(([k, v]) => `${k} ${v.p50}/${v.p99}`)
        .join(', ')}`,
    );
    const notes = {
      engine,
      stages,
      clients: r.clients,
      ratePerS: r.rate,
      secondsPerWindow: r.seconds,
      windows: r.windows.map(({ stages: _, ...w }) => ({ ...w, p50: round(w.p50), p99: round(w.p99) })),
      client: 'real client core (src/core/sync engine + socket transport + better-sqlite3 replica)',
    };
    const lines: MetricLine[] = [
      {
        metric: `${name}p50_ms`,
        value: round(r.p50),
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: { max: sc.p50Max },
        notes,
      },
    ];
    if (sc.p99Max !== undefined)
      lines.push({
        metric: `${name}p99_ms`,
        value: round(r.p99),
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: { max: sc.p99Max },
        notes: { engine, stages },
      });
    return lines;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark (registered in bench/run.ts). */
export async function* run(): AsyncIterable<MetricLine> {
  // E2E_SCENARIOS narrows the run (e.g. `main` while profiling); default all.
  const only = process.env.E2E_SCENARIOS?.split(',');
  const wanted = (sc: Scenario) => !only || only.includes(sc.label.replace(/\.$/, '') || 'main');
  const engines = process.env.E2E_ENGINES?.split(',') ?? ['pglite', 'postgres'];
  if (engines.includes('pglite'))
    for (const sc of [MAIN, SMALL_TEAM].filter(wanted)) yield* await measure('pglite', undefined, sc);
  if (!engines.includes('postgres')) return;
  for (const sc of [MAIN, LOW_LOAD].filter(wanted)) {
    const pgdb = await freshPostgres('parley_bench_e2e');
    if (!pgdb) {
      console.error('#   e2e-latency: no PostgreSQL at PG_ADMIN_URL; PostgreSQL lines skipped');
      return;
    }
    try {
      yield* await measure('postgres', pgdb.url, sc);
    } finally {
      await pgdb.drop();
    }
  }
}
