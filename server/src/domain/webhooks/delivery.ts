import { and, eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { Clock } from '../../lib/clock';
import type { Db } from '../../storage/db';
import type { JobHandler, JobOutcome, JobQueue } from '../../storage/job-queue';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../storage/schema/index';
import { cleanText } from '../audit/sanitize';
import type { SecretBox } from '../whatsapp/secret-box';
import {
  claimResultOf,
  claimStatement,
  settleSuccessStatement,
  type Claimed,
  type ClaimResult,
} from './delivery-claim';
import type { PostResult, WebhookHttp } from './safe-http';

export { PARK_MS } from './delivery-claim';

// One attempt of one delivery, and what follows it. The delivery row's lease (`locked_until`),
// taken under the endpoint row's lock, is what keeps an attempt from running twice at once
// across processes and caps the attempts in flight per endpoint; the job queue only schedules.
//
// A delivery that finds its endpoint at the cap is parked (its job put back for PARK_MS) and
// woken by the attempt that frees a slot: every settled attempt moves the endpoint's oldest
// parked deliveries, as many as there are free slots, to "due now". Retrying busy jobs every few
// hundred milliseconds instead made every job of a busy endpoint queue on the endpoint row's
// lock again and again, and the queue's own churn held throughput to ~10 events/s.

/** Deliveries one job runs back to back after a success, at most (and for at most CHAIN_MS). */
const CHAIN_MAX = 50;
const CHAIN_MS = 5_000;

/** The job queue of deliveries (fan-out.ts enqueues into it; its dedupe key is the delivery id). */
export const DELIVERY_QUEUE = 'webhook-delivery';

/** After this long of nothing but failures an endpoint is disabled. */
export const AUTO_DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

/** Dependencies of {@link createDelivery}. */
export type DeliveryDeps = {
  db: Db;
  clock: Clock;
  box: SecretBox;
  http: WebhookHttp;
  /** Wakes parked delivery jobs when an endpoint's slot frees. */
  jobs: Pick<JobQueue, 'advance' | 'dismiss'>;
  /** Seconds before each retry (`WEBHOOK_RETRY_SCHEDULE`). */
  retrySchedule: readonly number[];
  /** Attempts in flight per endpoint, across processes (default 4). */
  perEndpointConcurrency?: number;
  /** Attempt timeout the lease must outlive (default 10 s). */
  timeoutMs?: number;
  random?: () => number;
};

const Payload = z.object({ deliveryId: z.uuid() });

/**
 * The stored excerpt of a receiver's answer: decoded as UTF-8 (a character cut at the byte limit
 * becomes U+FFFD), with what PostgreSQL `text` cannot hold replaced; null when it sent nothing.
 */
const excerptOf = (bytes: Buffer | undefined): string | null =>
  bytes && bytes.length > 0 ? cleanText(bytes.toString('utf8'), 2000) : null;

/** What an attempt settled. */
export type AttemptSummary = {
  outcome: 'succeeded' | 'retry' | 'failed';
  retryInMs?: number;
  /** The slot's next delivery, claimed in the success's settle when asked for. */
  next?: ClaimResult | null;
};

/** The delivery step: a job handler, and a one-shot attempt for the test route. */
export type Delivery = ReturnType<typeof createDelivery>;

/** Creates the delivery step over its dependencies. */
export function createDelivery(deps: DeliveryDeps) {
  const { db, clock, box } = deps;
  const cap = deps.perEndpointConcurrency ?? 4;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const random = deps.random ?? Math.random;

  const claim = async (target: { deliveryId: string } | { endpointId: string }, workerId: string) => {
    const now = clock.now();
    return claimResultOf(
      await db.execute(claimStatement(target, workerId, now, { timeoutMs, cap })),
      now,
      random,
    );
  };

  /** Standard Webhooks headers; two signatures while a rotated-out secret is still valid. */
  const headersFor = (deliveryId: string, d: Claimed, at: Date): Record<string, string> => {
    const secrets = [box.open(d.secretEnc, 'webhook_secret')];
    if (d.previousSecretEnc && d.previousSecretExpiresAt && d.previousSecretExpiresAt > at) {
      secrets.push(box.open(d.previousSecretEnc, 'webhook_secret'));
    }
    return {
      'webhook-id': deliveryId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': secrets.map((s) => new Webhook(s).sign(deliveryId, at, d.body)).join(' '),
    };
  };

  /** Records the attempt and settles the delivery (and the endpoint's health) in one transaction. */
  const settle = async (
    workerId: string,
    d: Claimed,
    startedAt: Date,
    result: PostResult,
    retries: boolean,
    /** After a success, claim the endpoint's next due delivery in the same round trip. */
    claimNext: boolean,
  ): Promise<AttemptSummary> => {
    const deliveryId = d.id;
    const status = result.kind === 'response' ? result.status : null;
    const success = status !== null && status >= 200 && status < 300;
    const gone = status === 410;
    const error = success
      ? null
      : result.kind === 'error'
        ? result.error.slice(0, 500)
        : `The endpoint answered ${status}`;
    const attempt = d.attempts + 1;
    const delaySec = deps.retrySchedule[attempt - 1];
    const now = clock.now();
    if (success) {
      const res = await db.execute(
        settleSuccessStatement(
          d,
          workerId,
          {
            startedAt,
            durationMs: result.durationMs,
            status: status!,
            response: result.kind === 'response' ? excerptOf(result.bodyExcerpt) : null,
          },
          now,
          { claim: claimNext, timeoutMs, cap },
        ),
      );
      return { outcome: 'succeeded', next: claimNext ? claimResultOf(res, now, random) : null };
    }
    return db.transaction(async (tx) => {
      await tx.insert(webhookAttempts).values({
        organizationId: sql`(select organization_id from webhook_deliveries where id = ${deliveryId})`,
        deliveryId,
        startedAt,
        durationMs: result.durationMs,
        responseStatus: status,
        responseBody: result.kind === 'response' ? excerptOf(result.bodyExcerpt) : null,
        error,
      });
      // The endpoint's health first: a 410 or a fifth day of failures disables it, and then this
      // delivery is not retried either.
      let disabled = gone;
      if (gone) {
        await tx
          .update(webhookEndpoints)
          .set({ enabled: false, disabledReason: 'The endpoint answered 410 Gone', updatedAt: now })
          .where(eq(webhookEndpoints.id, d.endpointId));
      } else {
        const [e] = await tx
          .update(webhookEndpoints)
          .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${startedAt})` })
          .where(eq(webhookEndpoints.id, d.endpointId))
          .returning({ failingSince: webhookEndpoints.failingSince, enabled: webhookEndpoints.enabled });
        if (
          e?.enabled &&
          e.failingSince &&
          startedAt.getTime() - e.failingSince.getTime() >= AUTO_DISABLE_AFTER_MS
        ) {
          disabled = true;
          await tx
            .update(webhookEndpoints)
            .set({
              enabled: false,
              disabledReason: `Every delivery failed for 5 days (last error: ${error})`,
              updatedAt: now,
            })
            .where(eq(webhookEndpoints.id, d.endpointId));
        }
      }
      const retry = !disabled && retries && delaySec !== undefined;
      // ±10 % jitter: receivers recovering from an outage are not hit by every retry at once.
      const retryInMs = retry ? Math.round(delaySec * 1000 * (0.9 + random() * 0.2)) : 0;
      await tx
        .update(webhookDeliveries)
        .set({
          state: retry ? 'pending' : 'failed',
          attempts: attempt,
          nextAttemptAt: retry ? new Date(now.getTime() + retryInMs) : null,
          lastError: error,
          lockedBy: null,
          lockedUntil: null,
          updatedAt: now,
        })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.lockedBy, workerId)));
      return retry ? { outcome: 'retry' as const, retryInMs } : { outcome: 'failed' as const };
    });
  };

  /** Posts a claimed delivery and settles the attempt. */
  const run = async (d: Claimed, workerId: string, retries: boolean, claimNext: boolean) => {
    const startedAt = clock.now();
    let result: PostResult;
    try {
      result = await deps.http.post(d.url, headersFor(d.id, d, startedAt), d.body);
    } catch (e) {
      result = { kind: 'error', error: e instanceof Error ? e.message : String(e), durationMs: 0 };
    }
    return settle(workerId, d, startedAt, result, retries, claimNext);
  };

  /** A delivery whose endpoint was disabled fails without an attempt. */
  const failDisabled = async (deliveryId: string): Promise<void> => {
    await db
      .update(webhookDeliveries)
      .set({
        state: 'failed',
        lastError: 'The endpoint is disabled',
        nextAttemptAt: null,
        updatedAt: clock.now(),
      })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.state, 'pending')));
  };

  /**
   * Runs one attempt of a delivery now (the test route; `retries` false settles a failure for
   * good), then wakes the endpoint's parked deliveries.
   */
  const attempt = async (
    target: { deliveryId: string },
    workerId: string,
    retries: boolean,
  ): Promise<AttemptSummary | { outcome: 'busy'; until: Date } | { outcome: 'settled' }> => {
    const c = await claim(target, workerId);
    if (c.kind === 'settled' || c.kind === 'none') return { outcome: 'settled' };
    if (c.kind === 'busy') return { outcome: 'busy', until: c.until };
    if (c.kind === 'disabled') {
      await failDisabled(c.id);
      return { outcome: 'failed' };
    }
    const summary = await run(c.d, workerId, retries, false);
    await wakeParked(c.d.endpointId);
    return summary;
  };

  /**
   * A slot of `endpointId` is free: its oldest parked deliveries, as many as there are free slots
   * now, become due (their jobs' `run_at`), so the pool takes them at once.
   */
  const wakeParked = async (endpointId: string): Promise<void> => {
    const now = clock.now();
    await deps.jobs.advance(
      DELIVERY_QUEUE,
      sql`select d.id::text from webhook_deliveries d
          where d.endpoint_id = ${endpointId} and d.state = 'pending'
            and (d.locked_until is null or d.locked_until <= ${now})
            and (d.next_attempt_at is null or d.next_attempt_at <= ${now})
          order by d.created_at
          limit greatest(0, ${cap} - (
            select count(*) from webhook_deliveries f
            where f.endpoint_id = ${endpointId} and f.locked_until > ${now}))`,
    );
  };

  /**
   * After a success, the slot goes straight on to the endpoint's next due delivery, claimed in
   * the success's own settle, while they keep succeeding (bounded in count and time, so a job
   * stays well inside its lease). A backlog then drains at the receiver's pace: going back
   * through the queue for every delivery (a claim, a park at the cap, a wake, a claim again)
   * held a busy endpoint to ~30 events/s. The chained deliveries' own jobs end when the chain
   * does; a chained delivery that failed has its job woken, to wait for its retry.
   */
  const chain = async (first: AttemptSummary, workerId: string): Promise<void> => {
    const started = Date.now();
    const settled: string[] = [];
    let next = first.next;
    for (let n = 1; next?.kind === 'claimed'; n++) {
      const d = next.d;
      const more = n + 1 < CHAIN_MAX && Date.now() - started < CHAIN_MS;
      const r = await run(d, workerId, true, more);
      if (r.outcome === 'retry') await deps.jobs.advance(DELIVERY_QUEUE, sql`select ${d.id}::text`);
      else settled.push(d.id);
      next = r.next;
    }
    if (settled.length > 0) await deps.jobs.dismiss(DELIVERY_QUEUE, settled);
  };

  /** The job handler of {@link DELIVERY_QUEUE}. */
  const handle: JobHandler = async (job, { workerId }): Promise<JobOutcome> => {
    const parsed = Payload.safeParse(job.payload);
    if (!parsed.success) return { kind: 'fail', error: 'Malformed delivery job payload' };
    const c = await claim({ deliveryId: parsed.data.deliveryId }, workerId);
    switch (c.kind) {
      case 'busy':
        return { kind: 'reschedule', at: c.until };
      case 'disabled':
        await failDisabled(c.id);
        return { kind: 'done' };
      case 'settled':
      case 'none':
        return { kind: 'done' };
    }
    const r = await run(c.d, workerId, true, true);
    // While the chain runs, this slot is taken: waking parked deliveries before it ends would
    // only park them again for PARK_MS.
    if (r.outcome === 'succeeded') await chain(r, workerId);
    await wakeParked(c.d.endpointId);
    return r.outcome === 'retry'
      ? { kind: 'retry', error: 'delivery attempt failed', afterMs: r.retryInMs! }
      : { kind: 'done' };
  };

  return { handle, attempt };
}
