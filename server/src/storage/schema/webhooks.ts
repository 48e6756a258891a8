import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { id, organizationId, ts } from './columns';
import { organizations } from './organizations';

/**
 * An organization's outgoing webhook endpoint. Secrets are AES-256-GCM envelopes
 * (`domain/whatsapp/secret-box.ts`, purpose `webhook_secret`); during a rotation the previous one
 * keeps signing beside the new one until `previous_secret_expires_at`.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Event types, or `*` for all. */
    events: text('events').array().notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    /** Why Parley disabled it (410 Gone, five days of failures); null when an admin did or it is on. */
    disabledReason: text('disabled_reason'),
    secretEnc: text('secret_enc').notNull(),
    previousSecretEnc: text('previous_secret_enc'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    /** Start of the current run of failed attempts (null after a success): auto-disable after 5 days. */
    failingSince: ts('failing_since'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_org_created_idx').on(t.organizationId, t.createdAt, t.id)],
);

/**
 * The transactional outbox of entity changes for organizations with an enabled endpoint, written
 * by `recordChanges` in the same statement as the change log (so it commits or rolls back with
 * the change). `snapshot` is the row as the change left it; the fan-out compares it with the
 * entity's previous snapshot to name the event (status changed, assigned…).
 */
export const webhookChanges = pgTable(
  'webhook_changes',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    entity: text('entity').notNull(),
    entityId: uuid('entity_id').notNull(),
    op: smallint('op').notNull(),
    /** True when the row did not exist before this change's transaction (its version was 0). */
    created: boolean('created').notNull(),
    snapshot: jsonb('snapshot'),
    fannedOut: boolean('fanned_out').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.seq] }),
    index('webhook_changes_org_entity_seq_idx').on(t.organizationId, t.entityId, t.seq),
    index('webhook_changes_pending_idx')
      .on(t.organizationId, t.seq)
      .where(sql`not ${t.fannedOut}`),
  ],
);

/** One event (`{type, timestamp, data}`), delivered to each subscribed endpoint. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    /** The organization's change sequence of the change behind it (null for `webhook.test`). */
    seq: bigint('seq', { mode: 'number' }),
    /** Events that happen once per object (message.delivered…) are deduplicated by this key. */
    dedupeKey: text('dedupe_key'),
    /** The exact JSON body every attempt sends. */
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('webhook_events_org_dedupe_key').on(t.organizationId, t.dedupeKey)],
);

/** Mirrors the contract's WebhookDeliveryState. */
export const webhookDeliveryStateEnum = pgEnum('webhook_delivery_state', ['pending', 'succeeded', 'failed']);

/**
 * One event to one endpoint. Its id is the `webhook-id` of every attempt. `locked_until` is the
 * attempt lease: at most one attempt runs at once, whatever the number of processes.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    state: webhookDeliveryStateEnum('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    lockedBy: text('locked_by'),
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_key').on(t.endpointId, t.eventId),
    index('webhook_deliveries_org_endpoint_created_idx').on(
      t.organizationId,
      t.endpointId,
      t.createdAt.desc(),
      t.id.desc(),
    ),
    index('webhook_deliveries_endpoint_locked_idx').on(t.endpointId, t.lockedUntil),
    // The next deliveries an endpoint's freed slot wakes (oldest pending first, delivery.ts).
    index('webhook_deliveries_endpoint_pending_idx')
      .on(t.endpointId, t.createdAt)
      .where(sql`${t.state} = 'pending'`),
  ],
);

/** One HTTP attempt of a delivery. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    startedAt: ts('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    responseStatus: integer('response_status'),
    /** The first KiB of the receiver's answer as text (shown in the admin's delivery log). */
    responseBody: text('response_body'),
    error: text('error'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);
