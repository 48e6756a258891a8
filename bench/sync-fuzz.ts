// sync-fuzz: the seeded model-based simulation of the sync protocol (src/core/sync/simulation)
// over 10,000 seeds — the quality bar's fault gate: 0 invariant violations. Each seed is one
// scenario (a world of a model server, 3–4 real client engines on in-memory SQLite, a lossy,
// reordering, partitioned network, client kills between SQL statements, server restarts,
// reassignments, team and role changes). A failure prints its seed and the shrunk steps (JSON,
// replayable with replayScenario) on stderr. SYNC_FUZZ_SEEDS and SYNC_FUZZ_FROM change the range.
import { runSyncFuzz } from '../src/core/sync/simulation/simulation';
import type { MetricLine } from './lib/metric';

const SEEDS = Number(process.env.SYNC_FUZZ_SEEDS ?? 10_000);
const FROM = Number(process.env.SYNC_FUZZ_FROM ?? 1);

/** The benchmark. */
export async function* run(): AsyncIterable<MetricLine> {
  const started = Date.now();
  let last = started;
  const seeds = (function* () {
    for (let s = FROM; s < FROM + SEEDS; s++) {
      if (Date.now() - last > 30_000) {
        last = Date.now();
        console.error(`#   sync-fuzz: seed ${s} of ${FROM + SEEDS - 1}`);
      }
      yield s;
    }
  })();
  const report = await runSyncFuzz(seeds, (line) => console.error(line));
  yield {
    metric: 'sync-fuzz.violations',
    value: report.violations,
    unit: 'count',
    baseline: null,
    ratio: null,
    target: { max: 0 },
    notes: {
      seeds: report.runs,
      from: FROM,
      seconds: Math.round((Date.now() - started) / 1000),
      failingSeeds: report.failures.map((f) => f.seed),
    },
  };
}
