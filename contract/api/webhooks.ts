import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/** Every event type an endpoint can subscribe to (`*` subscribes to all, present and future). */
export const WEBHOOK_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'conversation.created',
  'conversation.status_changed',
  'conversation.assigned',
  'contact.created',
  'contact.updated',
  'account.status_changed',
  'template.status_changed',
  /** A lead arrived at a lead intake (`data`: the lead, its intake and the ids it became). */
  'lead.created',
] as const;

/** An event type (see {@link WEBHOOK_EVENT_TYPES}); `webhook.test` is sent only by the test route. */
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

const noNul = (s: string) => !s.includes('\u0000');

/** An endpoint URL: https (http only where the server allows private URLs), at most 2,000 characters. */
export const WebhookUrl = text()
  .trim()
  .max(2000, { message: 'Use a URL of at most 2,000 characters' })
  .refine(noNul, { message: 'The URL must not contain U+0000' })
  .pipe(z.url({ message: 'Enter an absolute https:// URL', protocol: /^https?$/ }));

/** The subscribed events: at least one, no duplicates. */
export const WebhookEvents = z
  .array(z.union([WebhookEventType, z.literal('*')], { message: 'Unknown event type' }))
  .min(1, { message: 'Subscribe to at least one event type (or "*")' })
  .max(WEBHOOK_EVENT_TYPES.length + 1)
  .transform((events) => [...new Set(events)]);

const Description = text()
  .trim()
  .max(500, { message: 'Use at most 500 characters' })
  .refine(noNul, { message: 'The description must not contain U+0000' });

/** An outgoing webhook endpoint (its secret is shown only when created or rotated). */
export const WebhookEndpoint = z.object({
  id: z.uuid(),
  url: text(),
  events: z.array(text()),
  description: text().nullable(),
  enabled: z.boolean(),
  /** Why Parley disabled it (410 Gone, five days of failures); null otherwise. */
  disabledReason: text().nullable(),
  /** When the previous secret stops signing after a rotation; null when none is active. */
  previousSecretExpiresAt: text().nullable(),
  createdAt: text(),
  updatedAt: text(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** `POST /api/v1/webhooks` and `POST …/rotate-secret` responses: the endpoint and its new secret. */
export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  /** `whsec_` + base64 of 32 random bytes: verify deliveries with it (Standard Webhooks). */
  secret: text(),
});
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecret>;

/** `POST /api/v1/webhooks`. */
export const CreateWebhookBody = z
  .object({
    url: WebhookUrl,
    events: WebhookEvents,
    description: Description.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

/** `PATCH /api/v1/webhooks/:id`: any of the fields; enabling clears the disabled reason. */
export const UpdateWebhookBody = z
  .object({
    url: WebhookUrl.optional(),
    events: WebhookEvents.optional(),
    description: Description.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;

/** `GET /api/v1/webhooks`. */
export const ListWebhooksQuery = PageQuery;
export type ListWebhooksQuery = z.infer<typeof ListWebhooksQuery>;
export const WebhookEndpointPage = page(WebhookEndpoint);
export type WebhookEndpointPage = z.infer<typeof WebhookEndpointPage>;

/** A delivery's state. */
export const WebhookDeliveryState = z.enum(['pending', 'succeeded', 'failed']);
export type WebhookDeliveryState = z.infer<typeof WebhookDeliveryState>;

/** One HTTP attempt of a delivery. */
export const WebhookAttempt = z.object({
  at: text(),
  durationMs: z.number(),
  /** The receiver's status; null when no response came (timeout, refused, blocked address). */
  responseStatus: z.number().nullable(),
  /** The start of the receiver's answer (at most 1 KiB, as text); null when it sent none. */
  responseBody: text().nullable(),
  error: text().nullable(),
});
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

/** One event to one endpoint; `id` is the `webhook-id` header of every attempt. */
export const WebhookDelivery = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  eventType: text(),
  state: WebhookDeliveryState,
  attempts: z.array(WebhookAttempt),
  nextAttemptAt: text().nullable(),
  createdAt: text(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** `GET /api/v1/webhooks/:id/deliveries`: newest first. */
export const ListWebhookDeliveriesQuery = PageQuery;
export type ListWebhookDeliveriesQuery = z.infer<typeof ListWebhookDeliveriesQuery>;
export const WebhookDeliveryPage = page(WebhookDelivery);
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPage>;

/** `POST /api/v1/webhooks/:id/deliveries/:deliveryId/retry`. */
export const WebhookDeliveryParams = z.object({ id: z.uuid(), deliveryId: z.uuid() });
export type WebhookDeliveryParams = z.infer<typeof WebhookDeliveryParams>;

/** `POST /api/v1/webhooks/:id/test`: the `webhook.test` delivery after its one attempt. */
export const WebhookTestResult = WebhookDelivery;
export type WebhookTestResult = z.infer<typeof WebhookTestResult>;
