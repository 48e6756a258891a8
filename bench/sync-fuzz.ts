// sync-fuzz: the seeded model-based simulation of the sync protocol (src/core/testing/simulation)
// over 10,000 seeds — the quality bar's fault gate: 0 invariant violations. Each seed is one
// scenario (a world of a model server, 3–4 real client engines on in-memory SQLite, a lossy,
// reordering, partitioned network, client kills between SQL statements, server restarts,
// reassignments, team and role changes). A failure prints its seed and the shrunk steps (JSON,
// replayable with replayScenario) on stderr. The seeds are split over SYNC_FUZZ_WORKERS worker
// processes (default: one per core, at most 4; each scenario is deterministic in its seed, so the
// split changes nothing but the wall time). SYNC_FUZZ_SEEDS and SYNC_FUZZ_FROM change the range.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MetricLine } from './lib/metric';

const SEEDS = Number(process.env.SYNC_FUZZ_SEEDS ?? 10_000);
const FROM = Number(process.env.SYNC_FUZZ_FROM ?? 1);
const WORKERS = Math.max(
  1,
  Math.min(SEEDS, Number(process.env.SYNC_FUZZ_WORKERS ?? Math.min(4, availableParallelism()))),
);
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const worker = fileURLToPath(new URL('./sync-fuzz-worker.ts', import.meta.url));

type WorkerReport = { runs: number; violations: number; failingSeeds: number[] };

/** Runs one worker to its end; its last stdout line is its report. */
function runWorker(offset: number): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, worker], {
      env: {
        ...process.env,
        SYNC_FUZZ_SEEDS: String(SEEDS),
        SYNC_FUZZ_FROM: String(FROM),
        SYNC_FUZZ_STRIDE: String(WORKERS),
        SYNC_FUZZ_OFFSET: String(offset),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last = '';
    createInterface({ input: child.stdout }).on('line', (l) => (last = l));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`exited with code ${code}`);
        resolve(JSON.parse(last) as WorkerReport);
      } catch (e) {
        reject(new Error(`sync-fuzz worker ${offset + 1}/${WORKERS}: ${(e as Error).message}`));
      }
    });
  });
}

/** The benchmark. */
export async function* run(): AsyncIterable<MetricLine> {
  const started = Date.now();
  const reports = await Promise.all(Array.from({ length: WORKERS }, (_, w) => runWorker(w)));
  const runs = reports.reduce((n, r) => n + r.runs, 0);
  if (runs !== SEEDS) throw new Error(`sync-fuzz ran ${runs} seeds, expected ${SEEDS}`);
  yield {
    metric: 'sync-fuzz.violations',
    value: reports.reduce((n, r) => n + r.violations, 0),
    unit: 'count',
    baseline: null,
    ratio: null,
    target: { max: 0 },
    notes: {
      seeds: runs,
      from: FROM,
      workers: WORKERS,
      seconds: Math.round((Date.now() - started) / 1000),
      failingSeeds: reports.flatMap((r) => r.failingSeeds).sort((a, b) => a - b),
    },
  };
}
