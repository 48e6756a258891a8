import type { JobQueue } from '../../storage/job-queue';
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

/** Queue of the mark-read calls (deduplicated by wamid). */
export const MARK_READ_QUEUE = 'mark_read';
/** Payload of a mark-read job. */
export type MarkReadPayload = { whatsappAccountId: string; wamid: string };

/** What queueing a send or a mark-read needs. */
export type QueueSendDeps = { clock: Clock; jobs: Pick<JobQueue, 'enqueue'> };
