import type { JobQueue, NewJob } from '../../storage/job-queue';
import type { MonthlyQuota } from './message-quota';
import type { Clock } from '../../lib/clock';

// The queues between the send path and the send worker (jobs/send-worker.ts): their names, the
// payloads both sides agree on, and the limits of a send job.

/** The queue of an account's send jobs: one queue per number, so one process can own its pacing. */
export const SEND_QUEUE_PREFIX = 'send:';
/** The send queue of a WhatsApp account. */
export const sendQueueOf = (whatsappAccountId: string): string => `${SEND_QUEUE_PREFIX}${whatsappAccountId}`;

/** Payload of a send job. */
export type SendJobPayload = { messageId: string };

/** Attempts a send job gets for transient failures (130429, 5xx, network…) before it fails. */
export const SEND_MAX_ATTEMPTS = 10;

/** The send job of a queued message: on its number's queue, in order within its conversation. */
export const sendJobOf = (
  m: { organizationId: string; accountId: string; conversationId: string; messageId: string },
  now: Date,
): NewJob => ({
  queue: sendQueueOf(m.accountId),
  organizationId: m.organizationId,
  orderingKey: m.conversationId,
  payload: { messageId: m.messageId } satisfies SendJobPayload,
  maxAttempts: SEND_MAX_ATTEMPTS,
  runAt: now,
});

/** Queue of the mark-read calls (deduplicated by wamid). */
export const MARK_READ_QUEUE = 'mark_read';
/** Payload of a mark-read job. */
export type MarkReadPayload = { whatsappAccountId: string; wamid: string };

/** What queueing a send or a mark-read needs. */
export type QueueSendDeps = {
  clock: Clock;
  jobs: Pick<JobQueue, 'enqueue'>;
  /** The monthly quota every send counts against (issue 10); absent = not counted (unit tests). */
  quota?: MonthlyQuota | undefined;
};

/** Queue of the checks that follow an ambiguous send. */
export const RECONCILE_QUEUE = 'send_reconcile';
/** Payload of a reconcile job. */
export type ReconcilePayload = { messageId: string; sendJobId: number };

/** The code and sentence of a message whose send could not be confirmed (sync-protocol decision 2). */
export const MAY_NOT_HAVE_BEEN_SENT = {
  code: 'may_not_have_been_sent',
  message:
    'This message may not have been sent: WhatsApp did not confirm it. Check with the customer before sending again.',
} as const;
