import { sql } from 'drizzle-orm';
import {
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, organizationId, ts, version } from './columns';
import { organizations } from './organizations';
import { teams } from './teams';
import { users } from './users';

/** connected | token_invalid | disconnected, mirrored from `#contract/api/whatsapp-accounts`. */
export const whatsappAccountStatusEnum = pgEnum('whatsapp_account_status', [
  'connected',
  'token_invalid',
  'disconnected',
]);

/**
 * A connected WhatsApp business number. Secrets are AES-256-GCM envelopes (`secret-box.ts`),
 * never plain text. `phone_number_id` is unique among numbers that are not disconnected: webhooks
 * are routed by it, so two live accounts (in any organizations) can never claim one number, while a
 * disconnected (soft-deleted) account keeps its history without blocking a later connection.
 */
export const whatsappAccounts = pgTable(
  'whatsapp_accounts',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    phoneNumberId: text('phone_number_id').notNull(),
    businessAccountId: text('business_account_id').notNull(),
    displayPhoneNumber: text('display_phone_number'),
    verifiedName: text('verified_name'),
    qualityRating: text('quality_rating'),
    throughputMps: integer('throughput_mps').notNull().default(80),
    accessTokenEnc: text('access_token_enc').notNull(),
    /** Null fails closed: webhooks for the account answer 503 until a secret is set. */
    appSecretEnc: text('app_secret_enc'),
    verifyTokenEnc: text('verify_token_enc').notNull(),
    status: whatsappAccountStatusEnum('status').notNull().default('connected'),
    statusReason: text('status_reason'),
    /**
     * When Meta's GET verification handshake first succeeded with the current verify token
     * (cleared when the token changes): the "Verified" step after connecting a number.
     */
    webhookVerifiedAt: ts('webhook_verified_at'),
    /** The team new conversations on this number land in (set in the ingest transaction). */
    defaultTeamId: uuid('default_team_id').references(() => teams.id, { onDelete: 'set null' }),
    /**
     * The member who owns the number (issue 10), null = the organization's. A member-owned
     * number's new conversations are assigned to its owner and seen only by the owner, their
     * assignee, managers and admins (`domain/visibility`); copied to `conversations.owner_id`.
     */
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    uniqueIndex('whatsapp_accounts_phone_number_id_key')
      .on(t.phoneNumberId)
      .where(sql`${t.status} <> 'disconnected'`),
    unique('whatsapp_accounts_org_id_key').on(t.organizationId, t.id),
    index('whatsapp_accounts_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  ],
);

/** A message template synced from the account's WABA (Meta owns it; we mirror it). */
export const templates = pgTable(
  'templates',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    whatsappAccountId: uuid('whatsapp_account_id').notNull(),
    metaTemplateId: text('meta_template_id'),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category').notNull(),
    /** Meta's status string (APPROVED, PENDING, …, DELETED when it vanished from Meta). */
    status: text('status').notNull(),
    /** POSITIONAL | NAMED. */
    parameterFormat: text('parameter_format').notNull().default('POSITIONAL'),
    components: jsonb('components').notNull().default([]),
    statusReason: text('status_reason'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    uniqueIndex('templates_org_account_name_lang_key').on(
      t.organizationId,
      t.whatsappAccountId,
      t.name,
      t.language,
    ),
    index('templates_org_meta_id_idx').on(t.organizationId, t.metaTemplateId),
    index('templates_org_name_idx').on(t.organizationId, t.name, t.language, t.id),
    foreignKey({
      name: 'templates_account_fk',
      columns: [t.organizationId, t.whatsappAccountId],
      foreignColumns: [whatsappAccounts.organizationId, whatsappAccounts.id],
    }).onDelete('cascade'),
  ],
);

/**
 * A customer, known by WhatsApp id (`wa_id`), by business-scoped user id (`bsuid`), by phone, or
 * several of these; each identity is unique within the organization when present.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    /** The name agents gave the contact (null: show the profile name). */
    name: text('name'),
    /** `contacts[].profile.name` from the latest inbound webhook. */
    profileName: text('profile_name'),
    phoneE164: text('phone_e164'),
    waId: text('wa_id'),
    bsuid: text('bsuid'),
    username: text('username'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    optedOut: boolean('opted_out').notNull().default(false),
    customAttributes: jsonb('custom_attributes').notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    uniqueIndex('contacts_org_wa_id_key')
      .on(t.organizationId, t.waId)
      .where(sql`${t.waId} is not null`),
    uniqueIndex('contacts_org_bsuid_key')
      .on(t.organizationId, t.bsuid)
      .where(sql`${t.bsuid} is not null`),
    index('contacts_org_phone_idx').on(t.organizationId, t.phoneE164),
    unique('contacts_org_id_key').on(t.organizationId, t.id),
    index('contacts_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  ],
);
