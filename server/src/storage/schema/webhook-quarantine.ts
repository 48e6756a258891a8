import { bigint, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, ts } from './columns';
import { organizations } from './organizations';
import { whatsappAccounts } from './whatsapp';

/**
 * Webhook events Parley could not store exactly as Meta sent them (issue 9, finding 1), for
 * admins to see (`GET /api/v1/webhook-quarantine`): `sanitized` = stored with U+0000 / unpaired
 * surrogates replaced by U+FFFD; `failed` = could not be applied at all (kept here with its
 * error, its neighbours in the same POST applied); `receipt_failed` = a whole receipt kept failing
 * (before routing, so no event could be told apart). Never silently given up.
 */
export const webhookQuarantine = pgTable(
  'webhook_quarantine',
  {
    id: id(),
    /** Null when no organization could be told (the URL's account was deleted). */
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    whatsappAccountId: uuid('whatsapp_account_id').references(() => whatsappAccounts.id, {
      onDelete: 'set null',
    }),
    /** The `webhook_receipts` row (its raw body, byte for byte, while receipts are retained). */
    receiptId: bigint('receipt_id', { mode: 'number' }).notNull(),
    outcome: text('outcome', { enum: ['sanitized', 'failed', 'receipt_failed'] }).notNull(),
    /** `message`, `status`, `template_status`, … (null for `receipt_failed`). */
    eventKind: text('event_kind'),
    /** Meta's id of the event's subject (a wamid), when it has one. */
    externalId: text('external_id'),
    /** The normalised event, cleaned so it can be stored. */
    event: jsonb('event').$type<Record<string, unknown>>(),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_quarantine_org_time_idx').on(t.organizationId, t.createdAt, t.id)],
);
