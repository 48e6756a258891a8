import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { organizations } from './organizations';
import { teams } from './teams';
import { whatsappAccounts } from './whatsapp';

/**
 * A lead intake: where posted leads land (number, team, labels) and the template that greets
 * them (`template`: the contract's IntakeTemplate, checked against the synced template when
 * saved). `secret_enc` is the HMAC key of `X-Signature-256`, sealed with the secret box
 * (`domain/whatsapp/secret-box.ts`, purpose `intake_secret`).
 */
export const intakes = pgTable(
  'intakes',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    whatsappAccountId: uuid('whatsapp_account_id')
      .notNull()
      .references(() => whatsappAccounts.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    labels: text('labels').array().notNull(),
    template: jsonb('template'),
    enabled: boolean('enabled').notNull().default(true),
    secretEnc: text('secret_enc').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('intakes_org_created_idx').on(t.organizationId, t.createdAt, t.id)],
);

/**
 * One accepted lead and what it became. `dedupe_key` (`key:<Idempotency-Key>` or
 * `external:<externalId>`, null when the lead named neither) is unique per intake: a repeated lead
 * answers the stored ids instead of sending again.
 */
export const intakeLeads = pgTable(
  'intake_leads',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    intakeId: uuid('intake_id')
      .notNull()
      .references(() => intakes.id, { onDelete: 'cascade' }),
    dedupeKey: text('dedupe_key'),
    contactId: uuid('contact_id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    messageId: uuid('message_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('intake_leads_intake_dedupe_key').on(t.intakeId, t.dedupeKey),
    index('intake_leads_org_intake_created_idx').on(t.organizationId, t.intakeId, t.createdAt),
  ],
);
