import { foreignKey, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { organizationId, ts, version } from './columns';
import { conversations } from './messaging';
import { organizations } from './organizations';

/**
 * An internal note on a conversation (never sent to WhatsApp). The id is client-generated
 * (UUIDv7) when written from the desktop app, so a replayed `note.add` is idempotent. A synced,
 * conversation-scoped entity (`note` in the sync log).
 */
export const notes = pgTable(
  'notes',
  {
    id: uuid('id').primaryKey(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull(),
    authorId: uuid('author_id').notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    index('notes_org_conversation_idx').on(t.organizationId, t.conversationId, t.createdAt),
    foreignKey({
      name: 'notes_conversation_fk',
      columns: [t.organizationId, t.conversationId],
      foreignColumns: [conversations.organizationId, conversations.id],
    }).onDelete('cascade'),
  ],
);
