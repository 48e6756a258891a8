import { z } from 'zod';
import { ApiKey, CreateApiKeyBody, CreatedApiKey } from '../api/api-keys';
import { CreateIntakeBody, Intake, IntakeWithSecret } from '../api/intakes';
import {
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from '../api/webhooks';

/**
 * The Settings area's integrator channels (API keys, outgoing webhooks): online-only
 * administration the core forwards to `/api/v1/api-keys` and `/api/v1/webhooks` with the
 * session's token, like `admin.ts` (kept apart so both tables stay readable and merge cleanly;
 * `contract.ts` spreads both into its one table; handlers in `src/core/admin`).
 */

const id = z.uuid();
const none = z.undefined();
/** What a delete or revoke answers (the server's 204). */
const Done = z.object({ done: z.literal(true) });

/** The integrator channels: entries of the one IPC table (see `contract.ts`). */
export const integrationsIpc = {
  /** Every API key of the organization, newest first, revoked ones included (never a secret). */
  'admin:listApiKeys': { input: none, output: z.array(ApiKey) },
  /** Creates a key; the answer's `key` is the only time the secret is shown. */
  'admin:createApiKey': { input: CreateApiKeyBody, output: CreatedApiKey },
  /** Revokes a key on every server process within a second (idempotent). */
  'admin:revokeApiKey': { input: z.object({ id }), output: Done },
  /** Every outgoing webhook endpoint (all pages), oldest first. */
  'admin:listWebhooks': { input: none, output: z.array(WebhookEndpoint) },
  /** Registers an endpoint; its signing secret is shown only in this answer. */
  'admin:createWebhook': { input: CreateWebhookBody, output: WebhookEndpointWithSecret },
  /** Changes URL, events, description, or enables/disables it. */
  'admin:updateWebhook': { input: z.object({ id, patch: UpdateWebhookBody }), output: WebhookEndpoint },
  /** Deletes an endpoint and its delivery log. */
  'admin:deleteWebhook': { input: z.object({ id }), output: Done },
  /** A new secret (shown once); the old one keeps signing beside it for 24 hours. */
  'admin:rotateWebhookSecret': { input: z.object({ id }), output: WebhookEndpointWithSecret },
  /** Delivers a `webhook.test` event now and answers its attempt (status, body excerpt, duration). */
  'admin:testWebhook': { input: z.object({ id }), output: WebhookDelivery },
  /** One keyset page of an endpoint's deliveries, newest first, with their attempts. */
  'admin:listWebhookDeliveries': {
    input: z.object({
      id,
      cursor: z.string().max(1000).optional(),
      limit: z.number().int().min(1).max(200).default(20),
    }),
    output: WebhookDeliveryPage,
  },
  /** Queues one more attempt of a delivery now. */
  'admin:retryWebhookDelivery': { input: z.object({ id, deliveryId: id }), output: WebhookDelivery },
  /** Lead intakes (admins): every intake, never a secret. */
  'admin:listIntakes': { input: none, output: z.array(Intake) },
  /** Creates an intake; its signing secret is in the answer only. */
  'admin:createIntake': { input: CreateIntakeBody, output: IntakeWithSecret },
  /** A new signing secret (the old one stops verifying at once), shown once. */
  'admin:rotateIntakeSecret': { input: z.object({ id }), output: IntakeWithSecret },
  /** Deletes an intake; leads posted to its URL are refused (404). */
  'admin:deleteIntake': { input: z.object({ id }), output: Done },
} as const;

/** An integrator channel name. */
export type IntegrationsChannel = keyof typeof integrationsIpc;
