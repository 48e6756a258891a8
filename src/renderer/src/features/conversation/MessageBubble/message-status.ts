import type { ThreadMessage } from '#contract/ipc/contract';

/** The five states an outbound message shows, worded exactly as its accessible label. */
export type StatusLabel = 'Queued' | 'Sent' | 'Delivered' | 'Read' | 'Failed';

/** Why a message failed, when it did. */
export interface FailureInfo {
  /** A sentence the agent understands. */
  reason: string;
  /** Meta's or Parley's code, for support. */
  code: string | null;
  /** How to retry: `outbox` re-queues a refused write; `resend` sends a new copy of a message Meta failed. */
  retry: 'outbox' | 'resend';
}

/**
 * The state to show: a local failure (refused by the server, or reassigned away) or a local
 * queue wins over the server status; otherwise Meta's status.
 */
export function statusOf(m: ThreadMessage): StatusLabel {
  if (m.pending?.state === 'failed' || m.status === 'failed') return 'Failed';
  if (m.pending) return 'Queued';
  switch (m.status) {
    case 'queued':
      return 'Queued';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'read':
      return 'Read';
    default:
      return 'Failed';
  }
}

/** The failure of a failed message. */
export function failureOf(m: ThreadMessage): FailureInfo | null {
  if (m.pending?.state === 'failed') {
    return {
      reason: m.pending.error?.message ?? 'The server refused this message.',
      code: m.pending.error?.code ?? null,
      retry: 'outbox',
    };
  }
  if (m.status === 'failed') {
    return {
      reason: m.error?.message ?? "WhatsApp didn't deliver this message.",
      code: m.error?.code ?? null,
      retry: 'resend',
    };
  }
  return null;
}
