import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../storage/change-log';

// The attempt lease of outgoing-webhook deliveries, taken by the SQL functions of migration
// 0023 (`webhook_claim_delivery`, `webhook_settle_success`) in one round trip each: the endpoint
// row's lock, which keeps the in-flight count per endpoint exact across processes, is then held
// only while the server runs a few statements, not across the application's round trips.

/**
 * How long a delivery waits at a full endpoint when no freed slot wakes it (a process died
 * mid-attempt: its lease runs out, the job is recovered, and its settle wakes the rest).
 */
export const PARK_MS = 30_000;

/** A leased delivery, with what its attempt needs. */
export type Claimed = {
  id: string;
  endpointId: string;
  url: string;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  eventId: string;
  body: string;
  attempts: number;
};

/** What a claim found. */
export type ClaimResult =
  | { kind: 'claimed'; d: Claimed }
  | { kind: 'settled' }
  | { kind: 'none' }
  | { kind: 'busy'; until: Date }
  | { kind: 'disabled'; id: string; endpointId: string };

type ClaimRow = {
  outcome: 'claimed' | 'settled' | 'leased' | 'not_due' | 'full' | 'disabled' | 'none';
  delivery_id: string | null;
  until: Date | string | null;
  endpoint_id: string | null;
  url: string | null;
  secret_enc: string | null;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Date | string | null;
  event_id: string | null;
  attempts: number | null;
  body: string | null;
};

/**
 * Reads the row of either function. A delivery leased by someone else or not due yet waits
 * until then (a job may run early: woken, or left over from a chain); at a full endpoint it is
 * parked for PARK_MS (plus jitter), woken sooner by the attempt that frees a slot.
 */
export function claimResultOf(result: unknown, now: Date, random: () => number): ClaimResult {
  const [r] = rowsOf<ClaimRow>(result);
  switch (r?.outcome) {
    case undefined:
    case 'settled':
      return { kind: 'settled' };
    case 'none':
      return { kind: 'none' };
    case 'leased':
    case 'not_due':
      return { kind: 'busy', until: new Date(r.until!) };
    case 'full':
      return { kind: 'busy', until: new Date(now.getTime() + PARK_MS + Math.round(random() * 1_000)) };
    case 'disabled':
      return { kind: 'disabled', id: r.delivery_id!, endpointId: r.endpoint_id! };
    case 'claimed':
      if (r.body === null) return { kind: 'settled' };
      return {
        kind: 'claimed',
        d: {
          id: r.delivery_id!,
          endpointId: r.endpoint_id!,
          url: r.url!,
          secretEnc: r.secret_enc!,
          previousSecretEnc: r.previous_secret_enc,
          previousSecretExpiresAt:
            r.previous_secret_expires_at === null ? null : new Date(r.previous_secret_expires_at),
          eventId: r.event_id!,
          body: r.body,
          attempts: r.attempts!,
        },
      };
  }
}

/** The lease a claim takes: the attempt's timeout and 5 s more. */
const leaseUntil = (now: Date, timeoutMs: number) => new Date(now.getTime() + timeoutMs + 5_000);

/**
 * The claim of a delivery, or of the endpoint's oldest due delivery (chosen under the endpoint's
 * lock, so two slots never race for it).
 */
export function claimStatement(
  target: { deliveryId: string } | { endpointId: string },
  workerId: string,
  now: Date,
  opts: { timeoutMs: number; cap: number },
): SQL {
  const deliveryId = 'deliveryId' in target ? target.deliveryId : null;
  const endpointId = 'endpointId' in target ? target.endpointId : null;
  return sql`select * from webhook_claim_delivery(${deliveryId}::uuid, ${endpointId}::uuid, ${workerId},
    ${now}::timestamptz, ${leaseUntil(now, opts.timeoutMs)}::timestamptz, ${opts.cap}::int)`;
}

/** A success settled: the attempt row, the endpoint healthy, the delivery succeeded; optionally the next claim. */
export function settleSuccessStatement(
  d: Claimed,
  workerId: string,
  attempt: { startedAt: Date; durationMs: number; status: number; response: string | null },
  now: Date,
  next: { claim: boolean; timeoutMs: number; cap: number },
): SQL {
  return sql`select * from webhook_settle_success(${d.id}::uuid, ${workerId}, ${d.endpointId}::uuid,
    ${attempt.startedAt}::timestamptz, ${attempt.durationMs}::int, ${attempt.status}::int,
    ${attempt.response}::text, ${d.attempts + 1}::int, ${now}::timestamptz, ${next.claim}::boolean,
    ${leaseUntil(now, next.timeoutMs)}::timestamptz, ${next.cap}::int)`;
}
