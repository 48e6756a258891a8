import type Database from 'better-sqlite3';
import type { Parsed, ThreadChanges } from '#contract/ipc/contract';
import type { ReplicaQueries } from './queries';

/**
 * `messages:range`: the part of a thread a `replica:changed` touched, so an open thread patches
 * a few rows instead of re-reading every page it holds. Built on the thread page query
 * (`queries.messages`), so the rows are exactly those a full read would show:
 *
 * - the range [from, to] is the keyset page below `to + 1` of `to − from + 1` rows, keeping
 *   those from `from` up (at most that many rows sit in the range, so the page holds all of them);
 * - the pending tail is how the newest page ends (its single server row dropped);
 * - a queued reaction of this device's shows on its target wherever it is, which no range can
 *   place: `pendingReaction` tells the thread to re-read instead.
 */
export function createThreadChanges(db: Database.Database, queries: Pick<ReplicaQueries, 'messages'>) {
  const queuedReaction = db
    .prepare(
      `SELECT 1 FROM pending_messages WHERE conversation_id = ? AND kind = 'message' AND state <> 'failed'
         AND json_extract(row, '$.type') = 'reaction' LIMIT 1`,
    )
    .pluck();
  return {
    /** The changed rows of a held conversation (the caller checks that it is held). */
    read(i: Parsed<'messages:range'>): ThreadChanges {
      const { conversationId: id, fromConvSeq: from, toConvSeq: to } = i;
      const items =
        from !== undefined && to !== undefined
          ? queries.messages(id, to + 1, to - from + 1).items.filter((m) => m.convSeq >= from)
          : [];
      const pending = queries.messages(id, undefined, 1).items.filter((m) => m.pending !== null);
      return { items, pending, pendingReaction: queuedReaction.get(id) !== undefined };
    },
  };
}

/** The reader's type. */
export type ThreadChangesReader = ReturnType<typeof createThreadChanges>;
