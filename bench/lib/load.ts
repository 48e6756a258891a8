// Load generator process: runs autocannon against one URL and prints one JSON line with the
// results. Started by benchmarks through runProcess(), pinned to its own core.
//   tsx bench/lib/load.ts '{"url": "...", "connections": 50, "duration": 5, "headers": {...}}'
import autocannon from 'autocannon';

interface LoadSpec {
  url: string;
  connections?: number;
  duration?: number;
  pipelining?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections ?? 50,
  duration: spec.duration ?? 5,
  pipelining: spec.pipelining ?? 1,
  method: spec.method ?? 'GET',
  headers: spec.headers,
  body: spec.body,
});
const non2xx = result.non2xx + result.errors + result.timeouts;
console.log(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    non2xx,
    latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  }),
);
