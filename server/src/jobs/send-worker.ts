import { randomUUID } from 'node:crypto';
import type { Clock } from '../lib/clock';
import { Signal } from '../lib/signal';
import type { MediaStore } from '../domain/media/media-store';
import { createMarkReadHandler } from '../domain/messages/mark-read';
import { createSendReconcileHandler } from '../domain/messages/send-reconcile';
import {
  MARK_READ_QUEUE,
  RECONCILE_QUEUE,
  SEND_QUEUE_PREFIX,
  type MarkReadPayload,
  type ReconcilePayload,
} from '../domain/messages/send-queue';
import type { AccountCredentials } from '../domain/whatsapp/account-service';
import type { GraphClient } from '../meta/graph-client';
import type { Db } from '../storage/db';
import type { JobQueue } from '../storage/job-queue';
import { createLeases } from '../storage/lease';
import { createSendJobs } from '../storage/send-jobs';
import {
  runSendDispatcher,
  type Dispatcher,
  type DispatcherContext,
  type SendCounters,
} from './send-dispatcher';
import type { PairRate } from './pacing';
import { createWorker, type Worker } from './worker';

// The send worker: drains the per-number send queues (`send:<accountId>`, filled by
// domain/messages/queue-send.ts) into the Graph API.
//
// - One process sends for a number at a time: it holds the lease `send:<accountId>`
//   (storage/lease.ts), renewed every lease/3; pacing state is therefore in memory and exact.
//   A scan finds numbers with due work and starts a dispatcher for each (send-dispatcher.ts).
// - Per-conversation order: jobs carry ordering_key = conversation id and the claim skips a job
//   while an earlier job of its conversation is pending or running, so a conversation has at
//   most one send in flight and Meta receives its messages in conv_seq order.
// - Throughput: ThroughputGate (jobs/pacing.ts) never lets Meta count more than the number's
//   `throughput_mps` in any one-second window. Recipient pacing: RecipientPacer (Meta's pair
//   rate), and 4^X s backoff for that recipient only after a 131056.
// - What an attempt does and what its outcome means is domain/messages: send-attempt.ts (upload,
//   send), send-outcome.ts (Graph errors → retry, fail, ambiguous, auth), send-results.ts (one
//   transaction per batch of outcomes), send-reconcile.ts (ambiguous sends are never resent),
//   mark-read.ts (the mark-read job).
// - Auth failures (190 and the other `auth` codes): the number is flagged `token_invalid` with a
//   reason, its jobs stay pending and its queue stops until an admin reconnects it; other
//   numbers carry on.

/** Settings of {@link createSendWorker} (all optional; tests shorten the waits). */
export type SendWorkerOptions = {
  workerId?: string;
  /** Lease on a number's queue (default 15 s, renewed every third). */
  leaseMs?: number;
  /** Per-recipient pacing; false turns it off (default 1 message / 6 s, burst 45). */
  pairRate?: PairRate | false;
  /** First backoff after a 131056 (then ×4 per strike); default 1 s as Meta prescribes. */
  pairRateBackoffMs?: number;
  /** Backoff of transient failures: base·2^(attempt−1) with jitter, capped (default 1 s → 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long an ambiguous send waits for a status webhook (default 60 s, decision 2). */
  reconcileAfterMs?: number;
  /** How often idle numbers are looked for (default 250 ms; `wake()` shortcuts it). */
  scanMs?: number;
  /** A number's dispatcher gives its lease up after this long without work (default 10 s). */
  releaseAfterIdleMs?: number;
  /** Jobs claimed per statement, and results written per transaction at most (default 500). */
  maxBatch?: number;
  /**
   * Results are batched for at most this long while sends are in flight (default 50 ms); the
   * last result of a burst is written at once.
   */
  flushMs?: number;
  /** Lease of each claimed job (default 60 s): after a crash, jobs are retaken this late. */
  jobLeaseMs?: number;
  random?: () => number;
};

/** Logger subset the worker uses. */
export type SendWorkerLog = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
};

/** Dependencies of {@link createSendWorker}. */
export type SendWorkerDeps = {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  jobs: JobQueue;
  mediaStore: MediaStore;
  /** Decrypted credentials of an account (account-service `credentials`). */
  credentials: (organizationId: string, accountId: string) => Promise<AccountCredentials | undefined>;
  log?: SendWorkerLog;
  /**
   * The job queue's namespace (`createJobQueue({namespace})`): the worker's own statements on the
   * jobs table (claim, scan, settle, leases) must see the same queue names as `jobs`.
   */
  namespace?: string | undefined;
};

/** The running send machinery: per-number dispatchers plus the reconcile and mark-read workers. */
export type SendWorker = {
  readonly workerId: string;
  start: () => void;
  stop: () => Promise<void>;
  /** Look for work now (after a send was committed). */
  wake: () => void;
  /** Resolves when no send, reconcile or mark-read job is due and nothing is in flight. */
  idle: () => Promise<void>;
  /** Counters for tests and benchmarks. */
  stats: () => { sent: number; rejected130429: number; ambiguous: number; claims: number };
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Creates the send worker (not started). */
export function createSendWorker(deps: SendWorkerDeps, options: SendWorkerOptions = {}): SendWorker {
  const { db, clock, jobs } = deps;
  const workerId = options.workerId ?? `send:${randomUUID()}`;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
  const scanMs = options.scanMs ?? 250;
  const random = options.random ?? Math.random;
  const sendJobs = createSendJobs({ db, clock, namespace: deps.namespace });
  const counters: SendCounters = { sent: 0, rejected130429: 0, ambiguous: 0, claims: 0 };
  const dispatchers = new Map<string, Dispatcher>();
  const scanSignal = new Signal();
  let running = false;
  let scanLoop: Promise<void> | undefined;

  const backoff = (attempt: number) =>
    Math.min(retryMaxMs, retryBaseMs * 2 ** Math.max(0, attempt - 1)) * (0.5 + random() / 2);

  const context: DispatcherContext = {
    ...deps,
    sendJobs,
    leases: createLeases({ db, clock, namespace: deps.namespace }),
    workerId,
    settings: {
      leaseMs: options.leaseMs ?? 15_000,
      pairRate: options.pairRate === false ? null : (options.pairRate ?? { intervalMs: 6000, burst: 45 }),
      pairRateBackoffMs: options.pairRateBackoffMs ?? 1000,
      scanMs,
      releaseAfterIdleMs: options.releaseAfterIdleMs ?? 10_000,
      maxBatch: options.maxBatch ?? 500,
      flushMs: options.flushMs ?? 50,
      jobLeaseMs: options.jobLeaseMs ?? 60_000,
      reconcileAfterMs: options.reconcileAfterMs ?? 60_000,
    },
    backoff,
    counters,
    running: () => running,
  };

  const reconcileWorker: Worker = createWorker<ReconcilePayload>({
    queue: RECONCILE_QUEUE,
    jobs,
    maxIdleMs: 1000,
    handler: createSendReconcileHandler({ db, clock, jobs, sendJobs }),
    onError: (e) => deps.log?.error({ err: e }, 'reconcile worker error'),
  });

  const markReadWorker: Worker = createWorker<MarkReadPayload>({
    queue: MARK_READ_QUEUE,
    jobs,
    maxIdleMs: 1000,
    handler: createMarkReadHandler({ graph: deps.graph, credentials: deps.credentials, backoff }),
    onError: (e) => deps.log?.error({ err: e }, 'mark-read worker error'),
  });

  /** Looks for numbers with due work and starts (or wakes) their dispatchers, until stopped. */
  const scan = async () => {
    while (running) {
      try {
        for (const a of await sendJobs.accountsWithWork(SEND_QUEUE_PREFIX)) {
          const existing = dispatchers.get(a.id);
          if (existing) {
            existing.wake();
            continue;
          }
          const entry: Dispatcher = { busy: () => true, wake: () => undefined, done: Promise.resolve() };
          dispatchers.set(a.id, entry);
          entry.done = runSendDispatcher(context, a.id, a.organizationId, entry)
            .catch((e: unknown) => deps.log?.error({ err: e, accountId: a.id }, 'send dispatcher crashed'))
            .finally(() => {
              if (dispatchers.get(a.id) === entry) dispatchers.delete(a.id);
            });
        }
      } catch (e) {
        deps.log?.error({ err: e }, 'send scan failed');
      }
      await scanSignal.wait(scanMs);
    }
  };

  const dueCount = () => sendJobs.dueCount(SEND_QUEUE_PREFIX, [RECONCILE_QUEUE, MARK_READ_QUEUE]);
  const anyBusy = () => [...dispatchers.values()].some((d) => d.busy());

  return {
    workerId,
    start: () => {
      if (running) return;
      running = true;
      scanLoop = scan();
      reconcileWorker.start();
      markReadWorker.start();
    },
    stop: async () => {
      running = false;
      scanSignal.notify();
      for (const d of dispatchers.values()) d.wake();
      await scanLoop;
      await Promise.all([...dispatchers.values()].map((d) => d.done));
      await Promise.all([reconcileWorker.stop(), markReadWorker.stop()]);
    },
    wake: () => {
      scanSignal.notify();
      reconcileWorker.wake();
      markReadWorker.wake();
    },
    idle: async () => {
      for (;;) {
        if (!anyBusy() && (await dueCount()) === 0) {
          await Promise.all([reconcileWorker.idle(), markReadWorker.idle()]);
          if ((await dueCount()) === 0 && !anyBusy()) return;
        }
        scanSignal.notify();
        await sleep(20);
      }
    },
    stats: () => ({ ...counters }),
  };
}
