import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Local intents (§2.7, §2.8). A command writes its `outbox` row and its optimistic overlay
 * (`pending_messages` or `pending_patches`) in ONE transaction, committed with
 * synchronous=FULL. The overlays are removed when the mutation is confirmed (server result
 * applied AND cursor ≥ its seq) or turned into a visible failure when it is rejected.
 */

/** Queued mutations, pushed in `mutation_id` order. */
export const outbox = sqliteTable(
  'outbox',
  {
    mutationId: integer('mutation_id').primaryKey(),
    /** A protocol mutation name (`message.send`, …). */
    name: text('name').notNull(),
    /** JSON args, valid for `mutator_version`. */
    args: text('args').notNull(),
    createdAt: text('created_at').notNull(),
    mutatorVersion: integer('mutator_version').notNull(),
    /** `pending` (to push or awaiting its result), `applied` (awaiting the cursor), `rejected`. */
    status: text('status').notNull(),
    /** With `applied`: the seq the cursor must reach to confirm it. */
    ackSeq: integer('ack_seq'),
    /** With `rejected`: the MutationError JSON. */
    error: text('error'),
    /** Times it was sent; a never-sent mutation may be discarded without asking the server. */
    attempts: integer('attempts').notNull().default(0),
    /** The conversation it targets, when it targets one (revoke handling, the failed tray). */
    conversationId: text('conversation_id'),
  },
  (t) => [
    index('outbox_status_idx').on(t.status, t.mutationId),
    index('outbox_conversation_idx').on(t.conversationId),
  ],
);

/**
 * Messages and notes written locally and not yet confirmed: the full row, keyed by the same
 * UUID the server will use. `state` is `pending` or `failed` (rejected, or the conversation
 * was reassigned away); a failed row keeps its text until the person retries or discards it.
 */
export const pendingMessages = sqliteTable(
  'pending_messages',
  {
    id: text('id').primaryKey(),
    mutationId: integer('mutation_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    /** `message` or `note`. */
    kind: text('kind').notNull(),
    /** A MessageRow-shaped (or Note-shaped) JSON with status `queued`. */
    row: text('row').notNull(),
    state: text('state').notNull(),
    /** MutationError JSON when failed. */
    error: text('error'),
    /** Local creation time (ms): the order among pending rows. */
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('pending_messages_conversation_idx').on(t.conversationId, t.createdAt),
    index('pending_messages_mutation_idx').on(t.mutationId),
  ],
);

/**
 * Field patches over server rows (conversation status, assignee, labels, read marker, contact
 * fields…). The read views apply the newest patch per field.
 */
export const pendingPatches = sqliteTable(
  'pending_patches',
  {
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    field: text('field').notNull(),
    /** JSON value (`null` is a real value: e.g. unassign). */
    value: text('value').notNull(),
    mutationId: integer('mutation_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.entity, t.entityId, t.field, t.mutationId] }),
    index('pending_patches_mutation_idx').on(t.mutationId),
  ],
);

/** Unsent composer text per conversation (local only, never synced). */
export const drafts = sqliteTable('drafts', {
  conversationId: text('conversation_id').primaryKey(),
  text: text('text').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Downloaded media files (dataDir/media), evicted least recently used under a size cap. */
export const mediaCache = sqliteTable(
  'media_cache',
  {
    mediaId: text('media_id').primaryKey(),
    /** File name inside the media folder. */
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    /** Epoch ms of the last use. */
    lastUsedAt: integer('last_used_at').notNull(),
  },
  (t) => [index('media_cache_lru_idx').on(t.lastUsedAt)],
);
