// One worker of sync-fuzz (its own process): runs the seeds FROM + k·STRIDE + OFFSET (k ≥ 0,
// below FROM + SEEDS) of the simulation, prints failures (seed and shrunk steps) on stderr as
// they happen, progress every 30 s, and one JSON line {runs, violations, failingSeeds} at the end.
import { runSyncFuzz } from '../src/core/testing/simulation/simulation';

const SEEDS = Number(process.env.SYNC_FUZZ_SEEDS ?? 10_000);
const FROM = Number(process.env.SYNC_FUZZ_FROM ?? 1);
const STRIDE = Number(process.env.SYNC_FUZZ_STRIDE ?? 1);
const OFFSET = Number(process.env.SYNC_FUZZ_OFFSET ?? 0);

let last = Date.now();
let done = 0;
const seeds = (function* () {
  for (let s = FROM + OFFSET; s < FROM + SEEDS; s += STRIDE) {
    if (Date.now() - last > 30_000) {
      last = Date.now();
      console.error(`#   sync-fuzz worker ${OFFSET + 1}/${STRIDE}: ${done} seeds run, next ${s}`);
    }
    done += 1;
    yield s;
  }
})();
const report = await runSyncFuzz(seeds, (line) => console.error(line));
console.log(
  JSON.stringify({
    runs: report.runs,
    violations: report.violations,
    failingSeeds: report.failures.map((f) => f.seed),
  }),
);
process.exit(0);
