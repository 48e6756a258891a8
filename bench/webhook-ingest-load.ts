// Load generator of the webhook-ingest benchmark (its own process, pinned to core 1): autocannon
// POSTing signed ~0.6 KB Meta text webhooks, each with a unique wamid, from a pool of customers.
// Bodies are built and signed here, per request (setupRequest), so the server under test does
// nothing but its own work. Prints one JSON line with the results.
//   tsx bench/webhook-ingest-load.ts '{"url","appSecret","phoneNumberId","connections","duration","rate"?}'
import { createHmac, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { textWebhook } from './webhook-ingest-payload';

interface Spec {
  url: string;
  appSecret: string;
  phoneNumberId: string;
  connections: number;
  duration: number;
  /** Requests per second over all connections; absent = as fast as the server answers. */
  rate?: number;
  customers?: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const run = randomUUID().slice(0, 8);
let seq = 0;

const customers = spec.customers ?? 500;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.duration,
  pipelining: 1,
  ...(spec.rate !== undefined && { overallRate: spec.rate }),
  requests: [
    {
      method: 'POST',
      setupRequest: (req) => {
        const body = textWebhook(spec.phoneNumberId, run, seq++, customers);
        const signature = `sha256=${createHmac('sha256', spec.appSecret).update(body).digest('hex')}`;
        return {
          ...req,
          body,
          headers: { ...req.headers, 'content-type': 'application/json', 'x-hub-signature-256': signature },
        };
      },
    },
  ],
});
console.log(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    bodyBytes: Buffer.byteLength(textWebhook(spec.phoneNumberId, run, 123456, customers)),
  }),
);
