import { and, eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { Clock } from '../../lib/clock';
import { rowsOf } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import type { JobHandler, JobOutcome, JobQueue } from '../../storage/job-queue';
import {
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
} from '../../storage/schema/index';
import { cleanText } from '../audit/sanitize';
import type { SecretBox } from '../whatsapp/secret-box';
import type { PostResult, WebhookHttp } from './safe-http';

// One attempt of one delivery, and what follows it. The delivery row's lease (`locked_until`),
// taken under the endpoint row's lock, is what keeps an attempt from running twice at once
// across processes and caps the attempts in flight per endpoint; the job queue only schedules.
//
// A delivery that finds its endpoint at the cap is parked (its job put back for PARK_MS) and
// woken by the attempt that frees a slot: every settled attempt moves the endpoint's oldest
// parked deliveries, as many as there are free slots, to "due now". Retrying busy jobs every few
// hundred milliseconds instead made every job of a busy endpoint queue on the endpoint row's
// lock again and again, and the queue's own churn held throughput to ~10 events/s.

/**
 * How long a delivery waits at a full endpoint when no freed slot wakes it (a process died
 * mid-attempt: its lease runs out, the job is recovered, and its settle wakes the rest).
 */
export const PARK_MS = 30_000;

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
  jobs: Pick<JobQueue, 'advance'>;
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

type Claimed = {
  endpointId: string;
  url: string;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  eventId: string;
  body: string;
  attempts: number;
};

/** What an attempt settled. */
export type AttemptSummary = { outcome: 'succeeded' | 'retry' | 'failed'; retryInMs?: number };

/** The delivery step: a job handler, and a one-shot attempt for the test route. */
export type Delivery = ReturnType<typeof createDelivery>;

/** Creates the delivery step over its dependencies. */
export function createDelivery(deps: DeliveryDeps) {
  const { db, clock, box } = deps;
  const cap = deps.perEndpointConcurrency ?? 4;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const random = deps.random ?? Math.random;

  /**
   * Takes the attempt lease of a pending delivery, or says why not: already settled, leased by
   * someone else (until when), or its endpoint's cap is reached.
   */
  const claim = async (
    deliveryId: string,
    workerId: string,
  ): Promise<
    | { kind: 'claimed'; d: Claimed }
    | { kind: 'settled' }
    | { kind: 'busy'; until: Date }
    | { kind: 'disabled'; endpointId: string }
  > =>
    db.transaction(async (tx) => {
      const now = clock.now();
      const [d] = await tx
        .select({
          state: webhookDeliveries.state,
          lockedUntil: webhookDeliveries.lockedUntil,
          endpointId: webhookDeliveries.endpointId,
          attempts: webhookDeliveries.attempts,
          eventId: webhookDeliveries.eventId,
        })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, deliveryId));
      if (!d || d.state !== 'pending') return { kind: 'settled' };
      // The endpoint row lock serialises claims per endpoint, so the in-flight count is exact.
      const [e] = await tx
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, d.endpointId))
        .for('update');
      if (!e) return { kind: 'settled' };
      if (!e.enabled) return { kind: 'disabled', endpointId: e.id };
      if (d.lockedUntil && d.lockedUntil > now) return { kind: 'busy', until: d.lockedUntil };
      const inFlight = rowsOf<{ n: number }>(
        await tx.execute(sql`
          select count(*)::int as n from webhook_deliveries
          where endpoint_id = ${e.id} and locked_until > ${now}`),
      )[0]!.n;
      if (inFlight >= cap) {
        return { kind: 'busy', until: new Date(now.getTime() + PARK_MS + Math.round(random() * 1_000)) };
      }
      const taken = await tx
        .update(webhookDeliveries)
        .set({
          lockedBy: workerId,
          lockedUntil: new Date(now.getTime() + timeoutMs + 5_000),
          updatedAt: now,
        })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.state, 'pending')))
        .returning({ id: webhookDeliveries.id });
      if (taken.length === 0) return { kind: 'settled' };
      const [ev] = await tx
        .select({ body: webhookEvents.body })
        .from(webhookEvents)
        .where(eq(webhookEvents.id, d.eventId));
      return {
        kind: 'claimed',
        d: {
          endpointId: e.id,
          url: e.url,
          secretEnc: e.secretEnc,
          previousSecretEnc: e.previousSecretEnc,
          previousSecretExpiresAt: e.previousSecretExpiresAt,
          eventId: d.eventId,
          body: ev!.body,
          attempts: d.attempts,
        },
      };
    });

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
    deliveryId: string,
    workerId: string,
    d: Claimed,
    startedAt: Date,
    result: PostResult,
    retries: boolean,
  ): Promise<AttemptSummary> => {
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
      if (success) {
        await tx
          .update(webhookEndpoints)
          .set({ failingSince: null })
          .where(
            and(eq(webhookEndpoints.id, d.endpointId), sql`${webhookEndpoints.failingSince} is not null`),
          );
      } else if (gone) {
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
      const retry = !success && !disabled && retries && delaySec !== undefined;
      // ±10 % jitter: receivers recovering from an outage are not hit by every retry at once.
      const retryInMs = retry ? Math.round(delaySec * 1000 * (0.9 + random() * 0.2)) : 0;
      await tx
        .update(webhookDeliveries)
        .set({
          state: success ? 'succeeded' : retry ? 'pending' : 'failed',
          attempts: attempt,
          nextAttemptAt: retry ? new Date(now.getTime() + retryInMs) : null,
          lastError: error,
          lockedBy: null,
          lockedUntil: null,
          updatedAt: now,
        })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.lockedBy, workerId)));
      return success
        ? { outcome: 'succeeded' as const }
        : retry
          ? { outcome: 'retry' as const, retryInMs }
          : { outcome: 'failed' as const };
    });
  };

  /** Runs one attempt now; `retries` false settles a failure for good (the test route). */
  const attempt = async (
    deliveryId: string,
    workerId: string,
    retries: boolean,
  ): Promise<AttemptSummary | { outcome: 'busy'; until: Date } | { outcome: 'settled' }> => {
    const c = await claim(deliveryId, workerId);
    if (c.kind === 'settled') return { outcome: 'settled' };
    if (c.kind === 'busy') return { outcome: 'busy', until: c.until };
    if (c.kind === 'disabled') {
      await db
        .update(webhookDeliveries)
        .set({
          state: 'failed',
          lastError: 'The endpoint is disabled',
          nextAttemptAt: null,
          updatedAt: clock.now(),
        })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.state, 'pending')));
      return { outcome: 'failed' };
    }
    const startedAt = clock.now();
    let result: PostResult;
    try {
      result = await deps.http.post(c.d.url, headersFor(deliveryId, c.d, startedAt), c.d.body);
    } catch (e) {
      result = { kind: 'error', error: e instanceof Error ? e.message : String(e), durationMs: 0 };
    }
    const summary = await settle(deliveryId, workerId, c.d, startedAt, result, retries);
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

  /** The job handler of {@link DELIVERY_QUEUE}. */
  const handle: JobHandler = async (job, { workerId }): Promise<JobOutcome> => {
    const parsed = Payload.safeParse(job.payload);
    if (!parsed.success) return { kind: 'fail', error: 'Malformed delivery job payload' };
    const r = await attempt(parsed.data.deliveryId, workerId, true);
    switch (r.outcome) {
      case 'busy':
        return { kind: 'reschedule', at: r.until };
      case 'retry':
        return { kind: 'retry', error: 'delivery attempt failed', afterMs: r.retryInMs! };
      default:
        return { kind: 'done' };
    }
  };

  return { handle, attempt };
}
