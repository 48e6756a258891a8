import type Database from 'better-sqlite3';
import type { Note } from '#contract/api/notes';
import type { PendingInfo, ThreadMessage, ThreadNote } from '#contract/ipc/contract';
import type { MessageRow, ReactionRow } from '#contract/sync/protocol';

/**
 * A conversation's thread from the replica: server messages keyset by `conv_seq` with their
 * reactions, this device's pending messages and notes (`pending_messages`) after them, and the
 * history floor the engine needs to decide whether older messages must be fetched
 * (`sync/engine/history.ts`).
 */

/** A pending row's state for the UI. */
const pendingOf = (state: string, error: string | null, mid: number): PendingInfo => ({
  state: state === 'failed' ? 'failed' : 'queued',
  mutationId: mid,
  error: error ? (JSON.parse(error) as PendingInfo['error']) : null,
});

/** A `pending_messages` row as read. */
interface PendingRaw {
  row: string;
  state: string;
  error: string | null;
  mutation_id: number;
}

/** Builds the thread queries over an open replica. */
export function createThreadQueries(db: Database.Database) {
  const s = {
    messagesNewest: db.prepare(
      'SELECT row FROM messages WHERE conversation_id = ? ORDER BY conv_seq DESC LIMIT ?',
    ),
    messagesBefore: db.prepare(
      'SELECT row FROM messages WHERE conversation_id = ? AND conv_seq < ? ORDER BY conv_seq DESC LIMIT ?',
    ),
    pendingMessages: db.prepare(
      `SELECT p.row, p.state, p.error, p.mutation_id FROM pending_messages p
       WHERE p.conversation_id = ? AND p.kind = ? AND NOT EXISTS
         (SELECT 1 FROM messages m WHERE m.id = p.id) AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = p.id)
       ORDER BY p.created_at, p.mutation_id`,
    ),
    reactionsOf: db.prepare(
      'SELECT row FROM reactions WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id',
    ),
    notes: db.prepare('SELECT row FROM notes WHERE conversation_id = ? ORDER BY created_at, id'),
    floor: db.prepare('SELECT conv_seq FROM history_floor WHERE conversation_id = ?').pluck(),
  };

  return {
    /**
     * A page of a thread. Returns the rows (oldest first) plus what the engine needs to decide
     * whether older history must be fetched: the lowest `convSeq` held on this page and the floor.
     */
    messages(
      conversationId: string,
      beforeConvSeq: number | undefined,
      limit: number,
    ): { items: ThreadMessage[]; lowest: number | null; full: boolean; floor: number | null } {
      const rows = (
        beforeConvSeq === undefined
          ? s.messagesNewest.all(conversationId, limit)
          : s.messagesBefore.all(conversationId, beforeConvSeq, limit)
      ) as { row: string }[];
      const server = rows.map((r) => JSON.parse(r.row) as MessageRow).reverse();
      const lowest = server[0]?.convSeq ?? null;
      const pending =
        beforeConvSeq === undefined ? (s.pendingMessages.all(conversationId, 'message') as PendingRaw[]) : [];
      const pendingRows = pending.map((p) => ({
        m: JSON.parse(p.row) as MessageRow,
        pending: pendingOf(p.state, p.error, p.mutation_id),
      }));
      const reactions = (s.reactionsOf.all(JSON.stringify(server.map((m) => m.id))) as { row: string }[]).map(
        (r) => JSON.parse(r.row) as ReactionRow,
      );
      const byMessage = new Map<string, ThreadMessage['reactions']>();
      for (const r of reactions) {
        const list = byMessage.get(r.messageId) ?? [];
        list.push({ emoji: r.emoji, by: r.by, at: r.at });
        byMessage.set(r.messageId, list);
      }
      // Our own queued reactions show on their targets at once.
      for (const p of pendingRows) {
        const target = p.m.type === 'reaction' ? p.m.reaction?.messageId : null;
        if (!target || p.pending.state !== 'queued') continue;
        const list = (byMessage.get(target) ?? []).filter((x) => x.by !== p.m.authorId);
        if (p.m.reaction?.emoji)
          list.push({ emoji: p.m.reaction.emoji, by: p.m.authorId ?? 'me', at: p.m.createdAt });
        byMessage.set(target, list);
      }
      const items: ThreadMessage[] = [
        ...server
          .filter((m) => m.type !== 'reaction')
          .map((m) => ({ ...m, reactions: byMessage.get(m.id) ?? [], pending: null })),
        ...pendingRows
          .filter((p) => p.m.type !== 'reaction' || p.pending.state === 'failed')
          .map((p) => ({ ...p.m, reactions: [], pending: p.pending })),
      ];
      return {
        items,
        lowest,
        full: rows.length === limit,
        floor: (s.floor.get(conversationId) as number | undefined) ?? null,
      };
    },

    /** The notes of a conversation, oldest first, pending ones last. */
    notes(conversationId: string): ThreadNote[] {
      const server = (s.notes.all(conversationId) as { row: string }[]).map((r) => ({
        ...(JSON.parse(r.row) as Note),
        pending: null,
      }));
      const pending = (s.pendingMessages.all(conversationId, 'note') as PendingRaw[]).map((p) => ({
        ...(JSON.parse(p.row) as Note),
        pending: pendingOf(p.state, p.error, p.mutation_id),
      }));
      return [...server, ...pending];
    },
  };
}
