import type Database from 'better-sqlite3';
import type { MessageSpan, ReplicaChanged } from '#contract/ipc/contract';
import type { ChangeEntry, PutEntry } from '#contract/sync/protocol';

/**
 * What `replica:changed` says about messages: per conversation, the `convSeq` range of the
 * server messages one transaction wrote or deleted (a reaction counts at its message), so an
 * open thread re-reads that range instead of every page it holds. The applier records into a
 * summary's `messageSpans` as it writes; `replicaChanged` turns a summary into the event.
 */

/**
 * Per conversation: the range changed, or null when a range cannot say what changed (a
 * snapshot page that may move the history floor, a revoke, a reaction to a message not held).
 * Null wins: once unknown, the conversation stays unknown for the transaction.
 */
export type MessageSpans = Map<string, { from: number; to: number } | null>;

/** Widens a conversation's span to `convSeq`; a missing `convSeq` makes it unknown. */
export function widenSpan(spans: MessageSpans, conversationId: string, convSeq: number | null): void {
  const had = spans.get(conversationId);
  if (convSeq === null || convSeq < 1) spans.set(conversationId, null);
  else if (had === undefined) spans.set(conversationId, { from: convSeq, to: convSeq });
  else if (had !== null)
    spans.set(conversationId, { from: Math.min(had.from, convSeq), to: Math.max(had.to, convSeq) });
}

/** Marks a conversation's messages as changed in a way no range says. */
export function unknownSpan(spans: MessageSpans, conversationId: string): void {
  spans.set(conversationId, null);
}

/**
 * The applier's recorder, over its transaction's database: where a written or deleted message
 * or reaction sits in its thread. Deletes must be recorded BEFORE the row goes.
 */
export function createSpanRecorder(db: Database.Database) {
  const seqOfMessage = db.prepare('SELECT conv_seq FROM messages WHERE id = ?').pluck();
  const seqOfReaction = db
    .prepare('SELECT m.conv_seq FROM reactions r JOIN messages m ON m.id = r.message_id WHERE r.id = ?')
    .pluck();
  const seq = (stmt: Database.Statement, id: string): number | null =>
    (stmt.get(id) as number | undefined) ?? null;
  return {
    /** A put that was written; `snapshot` pages (history, bootstrap) may move floors: unknown. */
    put(e: PutEntry, snapshot: boolean, spans: MessageSpans): void {
      if (e.e !== 'message' && e.e !== 'reaction') return;
      const cid = e.row.conversationId;
      if (snapshot) unknownSpan(spans, cid);
      else if (e.e === 'message') widenSpan(spans, cid, e.row.convSeq);
      else widenSpan(spans, cid, seq(seqOfMessage, e.row.messageId));
    },
    /** A delete of a message or reaction of `conversationId`, before the row goes. */
    del(e: Extract<ChangeEntry, { op: 'del' }>, conversationId: string | null, spans: MessageSpans): void {
      if (!conversationId || (e.e !== 'message' && e.e !== 'reaction')) return;
      widenSpan(spans, conversationId, seq(e.e === 'message' ? seqOfMessage : seqOfReaction, e.id));
    },
  };
}

/** The applier's recorder type. */
export type SpanRecorder = ReturnType<typeof createSpanRecorder>;

/** The most conversation ids one `replica:changed` names; past it, views re-read what they show. */
export const CHANGED_IDS_MAX = 200;

/**
 * The `replica:changed` payload of a committed transaction's summary, or null when it changed
 * nothing. Spans go with the conversations they belong to, and only where known.
 */
export function replicaChanged(sum: {
  tables: ReadonlySet<string>;
  conversationIds: ReadonlySet<string>;
  messageSpans: MessageSpans;
}): ReplicaChanged | null {
  if (sum.tables.size === 0) return null;
  const ids = [...sum.conversationIds];
  if (ids.length === 0 || ids.length > CHANGED_IDS_MAX) return { tables: [...sum.tables].sort() };
  const spans: MessageSpan[] = [];
  for (const id of ids) {
    const s = sum.messageSpans.get(id);
    if (s) spans.push({ conversationId: id, fromConvSeq: s.from, toConvSeq: s.to });
  }
  return {
    tables: [...sum.tables].sort(),
    conversationIds: ids,
    ...(spans.length > 0 ? { messageSpans: spans } : {}),
  };
}
