import type { Clock } from '../lib/clock';
import { Signal } from '../lib/signal';
import type { MediaStore } from '../domain/media/media-store';
import { createSendAttempts } from '../domain/messages/send-attempt';
import { loadSendItems } from '../domain/messages/send-load';
import { classifySendError, type SendItem, type SendOutcome } from '../domain/messages/send-outcome';
import { sendQueueOf } from '../domain/messages/send-queue';
import { writeSendResults } from '../domain/messages/send-results';
import type { AccountCredentials } from '../domain/whatsapp/account-service';
import type { GraphClient } from '../meta/graph-client';
import type { Db } from '../storage/db';
import type { JobQueue } from '../storage/job-queue';
import type { Leases } from '../storage/lease';
import type { SendJobs } from '../storage/send-jobs';
import { RecipientPacer, ThroughputGate, type PairRate } from './pacing';

// One number's dispatcher: the loop that owns a number's send queue while this process holds
// its lease. It claims jobs ahead (prefetch) into a buffer, releases them under the number's
// throughput gate and per-recipient pacing, keeps many sends in flight, and writes their
// outcomes in batches. What a send does and what its outcome means is domain/messages
// (send-attempt.ts, send-outcome.ts, send-results.ts); this file is only the runtime.

/** A running dispatcher, as the worker tracks it. */
export type Dispatcher = { busy: () => boolean; wake: () => void; done: Promise<void> };

/** The worker's counters (tests and benchmarks). */
export type SendCounters = { sent: number; rejected130429: number; ambiguous: number; claims: number };

/** The settings of a dispatcher (see `SendWorkerOptions` for their meaning and defaults). */
export type DispatcherSettings = {
  leaseMs: number;
  pairRate: PairRate | null;
  pairRateBackoffMs: number;
  scanMs: number;
  releaseAfterIdleMs: number;
  maxBatch: number;
  flushMs: number;
  jobLeaseMs: number;
  reconcileAfterMs: number;
};

/** What every dispatcher of a worker shares. */
export type DispatcherContext = {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  jobs: JobQueue;
  mediaStore: MediaStore;
  credentials: (organizationId: string, accountId: string) => Promise<AccountCredentials | undefined>;
  log?: { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void } | undefined;
  sendJobs: SendJobs;
  leases: Leases;
  workerId: string;
  settings: DispatcherSettings;
  backoff: (attempt: number) => number;
  counters: SendCounters;
  /** False once the worker stops. */
  running: () => boolean;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Drives one number's queue until it runs dry (then gives the lease up after
 * `releaseAfterIdleMs`), the lease is lost, the number is disconnected or its token rejected, or
 * the worker stops. Claimed but unsent jobs go back to pending, uncounted; every outcome is
 * written before the lease is released.
 */
export async function runSendDispatcher(
  x: DispatcherContext,
  accountId: string,
  organizationId: string,
  entry: Dispatcher,
): Promise<void> {
  const { clock, settings: s, counters } = x;
  const mono = () => performance.now();
  const leaseName = sendQueueOf(accountId);
  if (!(await x.leases.acquire(leaseName, x.workerId, s.leaseMs))) return;
  let lost = false;
  const signal = new Signal();
  const renew = setInterval(() => {
    x.leases.acquire(leaseName, x.workerId, s.leaseMs).then(
      (until) => {
        if (!until) {
          lost = true;
          signal.notify();
        }
      },
      (e: unknown) => x.log?.warn({ err: e, accountId }, 'send lease renewal failed'),
    );
  }, s.leaseMs / 3);

  let creds: AccountCredentials | undefined;
  let credsAt = -Infinity;
  const refresh = async () => {
    if (mono() - credsAt < 2000) return;
    creds = await x.credentials(organizationId, accountId);
    credsAt = mono();
  };
  // The cap is set from the account on each loop turn (it may be edited while we send).
  const gate = new ThroughputGate(80, mono);
  const pacer = new RecipientPacer(s.pairRate, mono, s.pairRateBackoffMs);
  const attempts = createSendAttempts({
    accountId,
    graph: x.graph,
    mediaStore: x.mediaStore,
    clock,
    classify: (item, e, upload) => {
      if (e.kind === 'meta' && e.catalog.kind !== 'auth' && e.metaCode === 130429)
        counters.rejected130429 += 1;
      return classifySendError(item, e, { backoff: x.backoff, penalize: (c) => pacer.penalize(c) }, upload);
    },
  });
  const writeDeps = {
    db: x.db,
    jobs: x.jobs,
    sendJobs: x.sendJobs,
    workerId: x.workerId,
    reconcileAfterMs: s.reconcileAfterMs,
    log: x.log,
  };
  let results: SendOutcome[] = [];
  let inFlight = 0;
  let authStopped = false;
  let flushing: Promise<void> = Promise.resolve();
  let flushTimer: NodeJS.Timeout | undefined;
  let lastWork = mono();

  const scheduleFlush = () => {
    if (flushTimer) return;
    flushTimer = setTimeout(
      () => {
        flushTimer = undefined;
        flushing = flushing.then(flush);
      },
      inFlight > 0 ? s.flushMs : 0,
    );
  };

  const flush = async (): Promise<void> => {
    const batch = results;
    const ups = attempts.takeUploads();
    results = [];
    if (batch.length === 0 && ups.length === 0) return;
    try {
      await writeSendResults(writeDeps, { organizationId, accountId, batch, uploads: ups, now: clock.now() });
    } catch (e) {
      x.log?.error({ err: e, accountId }, 'writing send results failed; retrying');
      results = [...batch, ...results];
      attempts.returnUploads(ups);
      await sleep(500);
      if (x.running()) scheduleFlush();
    }
    signal.notify();
  };

  const push = (o: SendOutcome) => {
    results.push(o);
    if (o.kind === 'auth') authStopped = true;
    if (o.kind === 'ambiguous') counters.ambiguous += 1;
    if (results.length >= s.maxBatch) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      flushing = flushing.then(flush);
    } else scheduleFlush();
  };

  let buffer: SendItem[] = [];
  // The next batch is claimed while the current one is still being sent (prefetch), so a
  // claim's round trip never leaves free slots unused.
  let prefetch: Promise<void> | null = null;
  let prefetchError: unknown = null;
  // Set when a claim came back empty: no claim is made again before the loop has waited for a
  // signal (a send answered, results were written, `wake()`: new work was committed) or a
  // short poll. Claiming again at once would spin, and on PGlite a statement resolves without
  // ever returning to the event loop, so a spinning claim loop starves every timer, socket and
  // request of the process (the demo hang): this wait is the loop's only yield when it is idle.
  let claimedNothing = false;
  const fill = () => {
    const limit = Math.min(s.maxBatch, gate.room() - buffer.length);
    if (prefetch || claimedNothing || limit <= 0) return;
    prefetch = (async () => {
      try {
        counters.claims += 1;
        const claimed = await x.sendJobs.claim(leaseName, {
          workerId: x.workerId,
          limit,
          leaseMs: s.jobLeaseMs,
        });
        if (claimed.length > 0) buffer.push(...(await loadSendItems(x.db, organizationId, claimed)));
        else claimedNothing = true;
      } catch (e) {
        prefetchError = e;
      } finally {
        prefetch = null;
        signal.notify();
      }
    })();
  };
  entry.busy = () => inFlight > 0 || results.length > 0 || buffer.length > 0 || prefetch !== null;
  entry.wake = () => signal.notify();
  try {
    while (x.running() && !lost && !authStopped) {
      await refresh();
      if (!creds || creds.status !== 'connected') break;
      gate.setCap(creds.throughputMps);
      if (prefetchError) throw prefetchError;
      if (buffer.length <= Math.ceil(creds.throughputMps / 10)) fill();
      if (buffer.length === 0) {
        if (prefetch) {
          await prefetch;
          continue;
        }
        if (claimedNothing && inFlight === 0 && results.length === 0) {
          // Nothing due and nothing pending here: poll gently, give the number up when idle.
          if (mono() - lastWork > s.releaseAfterIdleMs) break;
          await signal.wait(Math.min(s.scanMs, 100));
        } else {
          // Sends in flight or results unwritten (their settling may free a conversation's next
          // job), or no room in the throughput window: wait for them, or a short poll.
          await signal.wait(50);
        }
        claimedNothing = false;
        continue;
      }
      lastWork = mono();
      const item = buffer[0]!;
      const ctx = item.ctx;
      // Nothing to send: the message vanished, or already has a wamid / a final status.
      if (!ctx || ctx.waMessageId || ctx.status !== 'queued') {
        buffer.shift();
        push({ kind: 'skip', item });
        continue;
      }
      // Taken back after a crash: it may have reached Meta. Never resend blindly.
      if (item.job.prevState === 'running') {
        buffer.shift();
        push({ kind: 'ambiguous', item, error: 'send interrupted (lease expired); outcome unknown' });
        continue;
      }
      const pace = pacer.waitMs(item.job.conversationId);
      if (pace > 0) {
        buffer.shift();
        push({ kind: 'reschedule', item, at: new Date(clock.now().getTime() + pace) });
        continue;
      }
      const wait = gate.waitMs();
      if (wait > 0) {
        await signal.wait(wait);
        continue;
      }
      buffer.shift();
      gate.take();
      pacer.take(item.job.conversationId);
      inFlight += 1;
      void attempts
        .send(item, creds)
        .catch((e: unknown): SendOutcome => ({
          kind: 'retry',
          item,
          afterMs: x.backoff(item.job.attempts),
          error: e instanceof Error ? e.message : String(e),
          failure: { code: 'internal', title: null, message: 'Sending failed; it will be retried.' },
        }))
        .then((o) => {
          if (o.kind === 'accepted') {
            pacer.succeeded(item.job.conversationId);
            counters.sent += 1;
          }
          gate.done();
          inFlight -= 1;
          push(o);
          signal.notify();
        });
    }
  } catch (e) {
    x.log?.error({ err: e, accountId }, 'send dispatcher failed');
  } finally {
    clearInterval(renew);
    await prefetch;
    // Claimed but not started: back to pending, not counted as an attempt.
    for (const item of buffer) push({ kind: 'reschedule', item, at: clock.now() });
    buffer = [];
    while (inFlight > 0) await signal.wait(50);
    clearTimeout(flushTimer);
    flushTimer = undefined;
    for (let i = 0; i < 5 && (results.length > 0 || attempts.pendingUploads() > 0); i++) {
      flushing = flushing.then(flush);
      await flushing;
    }
    await flushing;
    await x.leases.release(leaseName, x.workerId).catch(() => undefined);
    pacer.prune();
  }
}
