import { sql } from 'drizzle-orm';
import {
  bigserial,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizationId, ts } from './columns';
import { organizations } from './organizations';
import { whatsappAccounts } from './whatsapp';

/** bytea as a Buffer on both engines (PGlite returns Uint8Array, node-postgres Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * The durable receipt of a signed webhook POST, written (one insert) before Meta gets its 200 and
 * processed afterwards; unprocessed rows are replayed on boot. Retained at least 30 days.
 */
export const webhookReceipts = pgTable(
  'webhook_receipts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The account of the URL the POST arrived on (null if it was deleted since). */
    whatsappAccountId: uuid('whatsapp_account_id').references(() => whatsappAccounts.id, {
      onDelete: 'set null',
    }),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    receivedAt: ts('received_at').notNull().defaultNow(),
    /** The request body byte for byte (the signature covers these bytes). */
    body: bytea('body').notNull(),
    /** Set when processed, or when processing gave up (then last_error says why). */
    processedAt: ts('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    index('webhook_receipts_unprocessed_idx')
      .on(t.id)
      .where(sql`${t.processedAt} is null`),
    index('webhook_receipts_received_idx').on(t.receivedAt),
  ],
);

/**
 * A transactional job queue (`storage/job-queue.ts`): enqueued inside the caller's transaction,
 * claimed with `FOR UPDATE SKIP LOCKED`. A job whose `ordering_key` matches an earlier unfinished
 * job waits for it (per-conversation send order).
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    queue: text('queue').notNull(),
    dedupeKey: text('dedupe_key'),
    orderingKey: text('ordering_key'),
    payload: jsonb('payload').notNull().default({}),
    runAt: ts('run_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(10),
    lockedBy: text('locked_by'),
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    /** pending | running | done | failed. */
    state: text('state').notNull().default('pending'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('jobs_queue_dedupe_key').on(t.queue, t.dedupeKey),
    index('jobs_claim_idx')
      .on(t.queue, t.runAt, t.id)
      .where(sql`${t.state} in ('pending', 'running')`),
    index('jobs_ordering_idx')
      .on(t.queue, t.orderingKey, t.id)
      .where(sql`${t.orderingKey} is not null and ${t.state} in ('pending', 'running')`),
    index('jobs_org_idx').on(t.organizationId, t.queue, t.state),
  ],
);

/** A replayable POST: the first result of a request made with an `Idempotency-Key`. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** Hex SHA-256 of the request (method, path, body): the same key with another request is refused. */
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.key] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
);
