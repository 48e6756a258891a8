import type { WebhookAttempt, WebhookDelivery } from '#contract/api/webhooks';

/** A delivery's last attempt, if any. */
export const lastAttempt = (d: WebhookDelivery): WebhookAttempt | undefined =>
  d.attempts[d.attempts.length - 1];

/** An attempt's answer in words: "200 in 12 ms", or the error ("connect ECONNREFUSED … after 3 ms"). */
export function describeAttempt(a: WebhookAttempt): string {
  const took = `${Math.round(a.durationMs)} ms`;
  if (a.responseStatus !== null) return `${a.responseStatus} in ${took}`;
  return `${a.error ?? 'No answer'} (after ${took})`;
}

/** What a delivery's state reads as, and its badge colour. */
export const STATE: Record<WebhookDelivery['state'], { label: string; color: string }> = {
  succeeded: { label: 'Delivered', color: 'green' },
  pending: { label: 'Retrying', color: 'yellow' },
  failed: { label: 'Failed', color: 'red' },
};
