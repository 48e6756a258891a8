import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Files the agent attached, held on this device until the server has them (the media composer
 * works offline). The bytes live content-addressed in `dataDir/media/<replica>/staged/<sha256>`;
 * a row per pick (`id`, the local media id the outbox's `message.send` refers to). The outbox
 * flush uploads the file (`POST /api/v1/media`) before pushing the mutation and records the
 * server's id here and in the mutation's args in ONE durable transaction, so a restart never
 * uploads a recorded file again.
 */
export const stagedMedia = sqliteTable(
  'staged_media',
  {
    /** Local media id (UUIDv7) handed to the renderer by `media:stage`. */
    id: text('id').primaryKey(),
    /** Hex SHA-256 of the bytes: the file's name in the staged folder. */
    sha256: text('sha256').notNull(),
    /** The file name as picked (document name; sent to the server with the upload). */
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    /** Epoch ms of staging. */
    createdAt: integer('created_at').notNull(),
    /** The server's media id once uploaded; null until then. */
    serverMediaId: text('server_media_id'),
    /** Epoch ms of the completed upload. */
    uploadedAt: integer('uploaded_at'),
  },
  (t) => [index('staged_media_server_idx').on(t.serverMediaId), index('staged_media_sha_idx').on(t.sha256)],
);
