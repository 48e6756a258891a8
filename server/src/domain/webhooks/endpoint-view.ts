import { randomBytes } from 'node:crypto';
import type { WebhookEndpoint } from '#contract/api/webhooks';
import type { webhookEndpoints } from '../../storage/schema/index';

type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** A row as the contract's WebhookEndpoint (never with a secret). */
export const toWebhookEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  events: r.events,
  description: r.description,
  enabled: r.enabled,
  disabledReason: r.disabledReason,
  previousSecretExpiresAt: r.previousSecretExpiresAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** A fresh signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** The audit sentence of an update: enabling and disabling say so, other changes name the fields. */
export const updateSummary = (
  before: EndpointRow,
  after: EndpointRow,
  changed: readonly string[],
): string => {
  if (changed.length === 1 && changed[0] === 'enabled')
    return `${after.enabled ? 'Enabled' : 'Disabled'} webhook endpoint ${after.url}`;
  const url = changed.includes('url') ? ` (was ${before.url})` : '';
  return `Changed the ${changed.join(', ')} of webhook endpoint ${after.url}${url}`;
};
