import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The sync engine's durable state: ONE row (id = 1). `cursor` moves only in the transaction
 * that applies the data up to it, so cursor and data never diverge after a crash.
 */
export const syncState = sqliteTable(
  'sync_state',
  {
    id: integer('id').primaryKey(),
    /** Everything visible to the user up to this seq is applied. */
    cursor: integer('cursor').notNull().default(0),
    /** Highest mutation id whose server result this replica has processed. */
    lmid: integer('lmid').notNull().default(0),
    /** The organization's newest seq as last heard (progress only). */
    tenantSeq: integer('tenant_seq').notNull().default(0),
    /** The server log's retention floor as last heard. */
    floorSeq: integer('floor_seq').notNull().default(0),
    /** Bootstrap phases completed (0–3); sync runs on pulls once it is 3. */
    bootstrapPhase: integer('bootstrap_phase').notNull().default(0),
    /** Smallest snapshot seq of the completed bootstrap phases (the cursor to start from). */
    snapshotSeq: integer('snapshot_seq'),
    /** Next mutation id to hand out (strictly increasing, never reused). */
    nextMutationId: integer('next_mutation_id').notNull().default(1),
    /** JSON UpdateRequired when the server said this build is too old; sync stays stopped. */
    updateRequired: text('update_required'),
    /** 1 while the person paused the background backfill. */
    backfillPaused: integer('backfill_paused').notNull().default(0),
    /**
     * JSON array of groups joined (`group_join`) whose partial bootstrap has not finished yet;
     * written in the same transaction as the cursor that passed the join.
     */
    pendingGroups: text('pending_groups'),
    /**
     * JSON array of conversation ids dropped on a `group_leave` because their recorded scope
     * reasons ran out; each is re-checked with the server (history) and re-added if still
     * visible. Written in the same transaction as the drop.
     */
    rechecks: text('rechecks'),
  },
  () => [check('sync_state_single_row', sql`id = 1`)],
);

/**
 * Deleted or revoked rows: `(entity, id)` with the seq of the deletion, so an older `put`
 * (a stale snapshot page, a late history page) cannot resurrect it. Pruned when the cursor has
 * passed them and no snapshot fetch that started earlier is in flight.
 */
export const tombstones = sqliteTable(
  'tombstones',
  {
    entity: text('entity').notNull(),
    id: text('id').notNull(),
    version: integer('version').notNull(),
    /** `del` or `revoke`. */
    kind: text('kind').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.id] })],
);

/**
 * The lowest `convSeq` of a conversation held contiguously up to its newest message (§2.11):
 * `messages:list` knows without a request whether older pages need the network. 1 = complete.
 */
export const historyFloor = sqliteTable('history_floor', {
  conversationId: text('conversation_id').primaryKey(),
  convSeq: integer('conv_seq').notNull(),
});

/**
 * Fields of server rows this build does not know (§2.12), parked with their version so an
 * older value never overwrites a newer one and a later build can replay them.
 */
export const deferredFields = sqliteTable(
  'deferred_fields',
  {
    entity: text('entity').notNull(),
    id: text('id').notNull(),
    field: text('field').notNull(),
    /** JSON. */
    value: text('value').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.id, t.field] })],
);
