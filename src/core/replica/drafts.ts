import type Database from 'better-sqlite3';

/** Composer drafts: local only (never synced), one per conversation. */

/** Builds the draft store over an open replica. */
export function createDrafts(db: Database.Database) {
  const s = {
    draft: db.prepare('SELECT text FROM drafts WHERE conversation_id = ?').pluck(),
    draftSet: db.prepare(
      `INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
    ),
    draftDel: db.prepare('DELETE FROM drafts WHERE conversation_id = ?'),
  };
  return {
    /** The saved draft of a conversation, or null. */
    draft: (conversationId: string): string | null =>
      (s.draft.get(conversationId) as string | undefined) ?? null,
    /** Saves a draft; empty text deletes it. */
    setDraft(conversationId: string, text: string, at: string): void {
      if (text.length === 0) s.draftDel.run(conversationId);
      else s.draftSet.run(conversationId, text, at);
    },
  };
}

/** The draft store's type. */
export type Drafts = ReturnType<typeof createDrafts>;
