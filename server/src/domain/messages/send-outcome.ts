import type { GraphError } from '../../meta/graph-client';
import type { ClaimedSend } from '../../storage/send-jobs';
import type { OutboundContext } from './outbound-body';

// What one send attempt came to, and how a Graph error decides it. The worker (jobs/) only
// carries these values between the attempt and the batch that writes them (send-results.ts).

/** A stored media file a send needs, with the Meta upload id it may reuse. */
export type SendMedia = {
  id: string;
  mimeType: string;
  fileName: string | null;
  storageKey: string | null;
  metaUploadedId: string | null;
  metaUploadedAt: Date | null;
  /** The account the upload id belongs to (ids are per number). */
  accountId: string | null;
};

/** The message behind a send job, as the send needs it (null: the message is gone). */
export type SendContext = OutboundContext & { status: string; waMessageId: string | null; contactId: string };

/** A claimed send job with what it sends. */
export type SendItem = { job: ClaimedSend; ctx: SendContext | null; media: SendMedia | null };

/** Why a message failed (or is being retried): Meta's code and title, or Parley's, and the agent's sentence. */
export type SendFailure = { code: string; title: string | null; message: string };

/** What one send attempt came to. */
export type SendOutcome =
  | { kind: 'accepted'; item: SendItem; wamid: string; waId: string | null }
  | { kind: 'failed'; item: SendItem; failure: SendFailure; error: string }
  | { kind: 'retry'; item: SendItem; afterMs: number; error: string; failure: SendFailure }
  | { kind: 'reschedule'; item: SendItem; at: Date }
  | { kind: 'ambiguous'; item: SendItem; error: string }
  | { kind: 'skip'; item: SendItem }
  | { kind: 'auth'; item: SendItem; reason: string };

/** How long retries wait: the worker's backoff, and Meta's pair-rate penalty for a recipient. */
export type RetryPolicy = {
  /** Backoff of a transient failure at this attempt (ms). */
  backoff: (attempt: number) => number;
  /** Records a pair-rate refusal (131056) for the conversation's recipient; the wait it imposes (ms). */
  penalize: (conversationId: string) => number;
};

const transient = (kind: string): SendFailure => ({
  code: kind,
  title: null,
  message: 'WhatsApp could not be reached. The message will be retried automatically.',
});

/**
 * What a Graph error means for this attempt (`upload`: a media upload, safe to repeat even when
 * its outcome is unknown). Auth errors stop the number's queue; Meta's retryable codes wait by
 * their kind (pair rate, backoff, later); a send that may have reached Meta is never resent but
 * reconciled (`ambiguous`); anything else fails the message with the catalog's sentence.
 */
export function classifySendError(
  item: SendItem,
  e: GraphError,
  policy: RetryPolicy,
  upload = false,
): SendOutcome {
  const attempt = item.job.attempts;
  if (e.kind === 'meta') {
    const c = e.catalog;
    const failure: SendFailure = { code: String(e.metaCode), title: e.title, message: c.agentMessage };
    if (c.kind === 'auth')
      return {
        kind: 'auth',
        item,
        reason: `WhatsApp rejected the access token (code ${e.metaCode}: ${e.title}). Reconnect the number with a new token; queued messages will then be sent.`,
      };
    if (c.retry === 'pair_rate')
      return {
        kind: 'retry',
        item,
        afterMs: policy.penalize(item.job.conversationId),
        error: e.message,
        failure,
      };
    if (c.retry === 'backoff')
      return { kind: 'retry', item, afterMs: policy.backoff(attempt), error: e.message, failure };
    if (c.retry === 'later')
      return {
        kind: 'retry',
        item,
        afterMs: e.metaCode === 131057 ? 60_000 : Math.max(policy.backoff(attempt), 5 * 60_000),
        error: e.message,
        failure,
      };
    return { kind: 'failed', item, failure, error: e.message };
  }
  const retry = (): SendOutcome => ({
    kind: 'retry',
    item,
    afterMs: policy.backoff(attempt),
    error: e.message,
    failure: transient(e.kind),
  });
  if (e.kind === 'network' || e.kind === 'timeout_before_send') return retry();
  if (e.kind === 'ambiguous') return upload ? retry() : { kind: 'ambiguous', item, error: e.message };
  // bad_response
  const status = e.httpStatus;
  if (status === null || status >= 500 || status === 429) return retry();
  if (status >= 200 && status < 300 && !upload) return { kind: 'ambiguous', item, error: e.message };
  return {
    kind: 'failed',
    item,
    failure: {
      code: 'unexpected_response',
      title: null,
      message: `WhatsApp answered in an unexpected way (HTTP ${status}); the message was not sent.`,
    },
    error: e.message,
  };
}
