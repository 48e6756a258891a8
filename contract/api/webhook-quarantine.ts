import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/**
 * What happened to a webhook event Parley could not store exactly as sent: `sanitized` (stored
 * with U+0000 / unpaired surrogates replaced by U+FFFD), `failed` (not applied; its neighbours
 * were), `receipt_failed` (a whole POST kept failing before its events could be told apart).
 */
export const QuarantineOutcome = z.enum(['sanitized', 'failed', 'receipt_failed']);
export type QuarantineOutcome = z.infer<typeof QuarantineOutcome>;

/** One quarantined webhook event (admins: `GET /api/v1/webhook-quarantine`). */
export const QuarantinedWebhookEvent = z.object({
  id: z.uuid(),
  /** The stored receipt (its raw body is kept byte for byte while receipts are retained). */
  receiptId: z.number().int(),
  whatsappAccountId: z.uuid().nullable(),
  outcome: QuarantineOutcome,
  /** `message`, `status`, `template_status`, … (null for `receipt_failed`). */
  eventKind: text().nullable(),
  /** Meta's id of the event's subject (a wamid), when it has one. */
  externalId: text().nullable(),
  /** The normalised event as stored (cleaned). */
  event: z.record(text(), z.unknown()).nullable(),
  /** Why it failed (`failed`, `receipt_failed`), or what was replaced (`sanitized`). */
  error: text().nullable(),
  createdAt: text(),
});
export type QuarantinedWebhookEvent = z.infer<typeof QuarantinedWebhookEvent>;

export const QuarantinePage = page(QuarantinedWebhookEvent);
export type QuarantinePage = z.infer<typeof QuarantinePage>;

export const ListQuarantineQuery = PageQuery.extend({ outcome: QuarantineOutcome.optional() });
export type ListQuarantineQuery = z.infer<typeof ListQuarantineQuery>;
