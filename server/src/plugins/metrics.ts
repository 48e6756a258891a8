import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { driverOf } from '../domain/sync/notifications';
import { INBOUND_STAGES, type StageTimings } from '../lib/stage-timings';
import { jobBacklog, receiptBacklog } from '../storage/backlog';
import type { Db } from '../storage/db';
import { HttpFailure } from './error-handler';

// `GET /metrics` in Prometheus' text format (issue 15): what an operator running Parley scrapes.
// Off unless METRICS_TOKEN is set (then the route does not exist: 404 like any unknown path); the
// scraper sends `Authorization: Bearer <token>`, compared in constant time. One registry per app
// (never prom-client's global one), so several apps in one process (tests) do not collide.
//
// - parley_inbound_stage_seconds{stage}: one inbound message, stage by stage (lib/stage-timings.ts)
// - parley_job_queue_depth / _oldest_age_seconds{queue}, parley_webhook_receipts_backlog /
//   _oldest_age_seconds: work waiting in the database, read at scrape time
// - parley_sync_sockets: Socket.IO sync sockets connected to this process
// - parley_db_pool_clients{state}: PostgreSQL pool clients (total, idle, waiting for a connection)
// - nodejs_eventloop_lag_* and the rest of prom-client's default process metrics

/** Options of {@link registerMetrics}. */
export type MetricsOptions = {
  /** The bearer token scrapers must present. */
  token: string;
  db: Db;
  timings: StageTimings;
  /** Sync sockets connected to this process. */
  sockets: () => number;
};

/** Seconds: from half a millisecond (a cached step) to 10 s (a stalled engine). */
const STAGE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type PoolLike = { totalCount?: number; idleCount?: number; waitingCount?: number };

/** Builds the registry: the stage histogram fed by `timings`, gauges read at scrape time. */
export function createMetricsRegistry(opts: Omit<MetricsOptions, 'token'>): {
  registry: Registry;
  refresh: () => Promise<void>;
} {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const stages = new Histogram({
    name: 'parley_inbound_stage_seconds',
    help: 'One inbound WhatsApp message, stage by stage: receipt (HTTP received → receipt committed), process (→ processing committed), notify (→ NOTIFY handled by the tailer), tail (→ batch read and routed), emit (→ packets handed to Socket.IO), total (receipt committed → emitted)',
    labelNames: ['stage'],
    buckets: STAGE_BUCKETS,
    registers: [registry],
  });
  for (const s of INBOUND_STAGES) stages.zero({ stage: s });
  opts.timings.onObserve((stage, ms) => stages.observe({ stage }, ms / 1000));

  const depth = new Gauge({
    name: 'parley_job_queue_depth',
    help: 'Jobs due or running, per queue',
    labelNames: ['queue'],
    registers: [registry],
  });
  const age = new Gauge({
    name: 'parley_job_queue_oldest_age_seconds',
    help: 'How long the oldest due pending job of each queue has waited',
    labelNames: ['queue'],
    registers: [registry],
  });
  const receipts = new Gauge({
    name: 'parley_webhook_receipts_backlog',
    help: 'Webhook receipts stored (acknowledged to Meta) and not processed yet',
    registers: [registry],
  });
  const receiptAge = new Gauge({
    name: 'parley_webhook_receipts_oldest_age_seconds',
    help: 'Age of the oldest unprocessed webhook receipt',
    registers: [registry],
  });
  new Gauge({
    name: 'parley_sync_sockets',
    help: 'Sync sockets connected to this process',
    registers: [registry],
    collect() {
      this.set(opts.sockets());
    },
  });
  const pool = driverOf(opts.db) as PoolLike;
  if (typeof pool.waitingCount === 'number')
    new Gauge({
      name: 'parley_db_pool_clients',
      help: 'PostgreSQL pool clients of this process: total, idle, and queries waiting for a client',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount ?? 0);
        this.set({ state: 'idle' }, pool.idleCount ?? 0);
        this.set({ state: 'waiting' }, pool.waitingCount ?? 0);
      },
    });

  /** Reads the database-side gauges; call before rendering (prom-client collects in parallel). */
  const refresh = async () => {
    const [jobs, r] = await Promise.all([jobBacklog(opts.db), receiptBacklog(opts.db)]);
    depth.reset();
    age.reset();
    for (const q of jobs) {
      depth.set({ queue: q.queue }, q.depth);
      age.set({ queue: q.queue }, q.oldestAgeSeconds);
    }
    receipts.set(r.depth);
    receiptAge.set(r.oldestAgeSeconds);
  };
  return { registry, refresh };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `header` is `Bearer <token>`, in time independent of where they differ. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  // Equal-length digests: the comparison time depends on neither value nor length.
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

/** Registers `GET /metrics` (register it only when a token is configured). */
export async function registerMetrics(app: FastifyInstance, opts: MetricsOptions): Promise<void> {
  if (opts.token.length === 0) return;
  const { registry, refresh } = createMetricsRegistry(opts);
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, opts.token))
      throw new HttpFailure({ code: 'unauthorized', message: 'A valid metrics token is required' });
    await refresh();
    const body = await registry.metrics();
    return reply.type(registry.contentType).header('cache-control', 'no-store').send(body);
  });
}
