// Benchmark runner: `npm run bench` runs every benchmark, `npm run bench -- NAME` runs one.
// Each benchmark prints JSON lines (see lib/metric.ts) with its raw baseline from the same run;
// benchmarks report, they do not fail the build (the quality bar's rule), but the runner marks
// lines that miss their target on stderr so a reader sees them at once.
import { meets, type MetricLine } from './lib/metric';

/** A benchmark: runs its workload and its raw baseline, yields metric lines. */
export type Benchmark = () => AsyncIterable<MetricLine>;

const registry: Record<string, () => Promise<{ run: Benchmark }>> = {
  'api-key-auth': () => import('./api-key-auth'),
  'api-send': () => import('./api-send'),
  'e2e-latency': () => import('./e2e-latency'),
  fanout: () => import('./fanout'),
  'filter-switch': () => import('./filter-switch'),
  'http-auth': () => import('./http-auth'),
  'inbox-query': () => import('./inbox-query'),
  'list-render': () => import('./list-render'),
  'message-to-paint': () => import('./message-to-paint'),
  'replica-bootstrap': () => import('./replica-bootstrap'),
  'catch-up': () => import('./catch-up'),
  'sync-fuzz': () => import('./sync-fuzz'),
  'outbound-pacing': () => import('./outbound-pacing'),
  reports: () => import('./reports'),
  'webhook-ingest': () => import('./webhook-ingest'),
  'webhook-delivery': () => import('./webhook-delivery'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((n) => !(n in registry));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(registry).join(', ')}`);
  process.exit(2);
}

let missed = 0;
for (const name of wanted.length ? wanted : Object.keys(registry)) {
  console.error(`# ${name}`);
  const { run } = await registry[name]!();
  for await (const line of run()) {
    console.log(JSON.stringify(line));
    if (!meets(line)) {
      missed += 1;
      console.error(`#   ${line.metric} misses its target ${JSON.stringify(line.target)}`);
    }
  }
}
console.error(`# done; ${missed} line(s) short of target`);
