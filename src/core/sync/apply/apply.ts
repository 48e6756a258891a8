import type Database from 'better-sqlite3';
import type { ChangeEntry } from '#contract/sync/protocol';
import { createSpanRecorder, type MessageSpans } from '../message-spans';
import { createPuts } from './puts';
import { createScopeChanges } from './scope';
import { prepareApplyStatements, type ApplyBatch } from './statements';

/**
 * The sync applier: the only writer of the server-truth tables (design/sync-protocol.md §2.5,
 * §2.8, §2.10). Every function here runs INSIDE a transaction the caller opened (a pull page,
 * a live packet, a bootstrap chunk, a history page) so that data, cursor and outbox state move
 * together. Statements are prepared once (`statements.ts`).
 *
 * This file dispatches entries and finishes each batch; the parts are
 * - `puts.ts`: version-guarded upserts per entity kind behind the tombstone and
 *   revoked-after-snapshot guards;
 * - `scope.ts`: deletes, revokes, grants and group joins/leaves;
 * - `search-text.ts`: what messages and contacts are found by.
 *
 * Rules:
 * - puts are version-guarded upserts (`… ON CONFLICT DO UPDATE … WHERE excluded.version > version`);
 * - a tombstone `(entity, id, version)` blocks any put at or below its version (deletes, revokes);
 * - snapshot sources (bootstrap, history) are read at `snapshotSeq`; rows of a conversation the
 *   replica has seen revoked after that snapshot are dropped, and history pages only land on
 *   conversations the replica still holds, so a late page can never bring revoked data back;
 * - a revoke or a dropped scope deletes the conversation with its messages, notes and reactions,
 *   leaves a revoke tombstone, turns its pending messages into visible failures ("not sent –
 *   conversation reassigned") and removes contacts no longer referenced.
 */

/**
 * Where entries come from: the ordered log (pull, live) or a snapshot read at `snapshotSeq`.
 * `current` marks a snapshot read after everything the replica applied (a bootstrap in the
 * exclusive sync lane): its scope reasons are at least as new as the replica's.
 */
export type ApplySource = { kind: 'log' } | { kind: 'snapshot'; snapshotSeq: number; current?: boolean };

/** What one transaction changed, for `replica:changed` and the engine's follow-up work. */
export interface ApplySummary {
  tables: Set<string>;
  conversationIds: Set<string>;
  /** Where each conversation's server messages changed, for open threads (`message-spans.ts`). */
  messageSpans: MessageSpans;
  /** Conversations revoked or dropped from scope in this transaction. */
  revoked: {
    conversationId: string;
    /** `reassigned`: a revoke entry; `scope`: a team or role the user left. */
    reason: 'reassigned' | 'scope';
    reassignedTo: string | null;
    pendingCount: number;
  }[];
  /** Groups joined (partial bootstrap needed). */
  groupJoins: string[];
  /** Conversations dropped on a group_leave, owed a re-check with the server. */
  rechecks: string[];
  /**
   * Conversations that arrived without what hangs off them (a grant without inlined rows, or a
   * conversation that entered the replica through a log put while its contact is not here):
   * fetch the newest history page (conversation, contact, notes, last messages).
   */
  needHistory: string[];
}

/** A fresh, empty summary. */
export const emptySummary = (): ApplySummary => ({
  tables: new Set(),
  conversationIds: new Set(),
  messageSpans: new Map(),
  revoked: [],
  groupJoins: [],
  rechecks: [],
  needHistory: [],
});

/** Builds the applier over an open replica. */
export function createApplier(db: Database.Database) {
  db.prepare('INSERT OR IGNORE INTO sync_state (id) VALUES (1)').run();
  const s = prepareApplyStatements(db);
  const spans = createSpanRecorder(db);
  const batch: ApplyBatch = {
    tombstonesKnownEmpty: false,
    orphanSweep: false,
    fresh: new Map(),
    newConversations: [],
  };
  const puts = createPuts(s, batch, spans);
  const scope = createScopeChanges(s, batch, puts, spans);

  return {
    /**
     * Applies entries in order. Must run inside the caller's transaction. Returns the number of
     * rows written (puts that passed their guards, deletes, scope changes).
     */
    applyEntries(entries: readonly ChangeEntry[], source: ApplySource, sum: ApplySummary): number {
      batch.tombstonesKnownEmpty = s.anyTombstone.get() === undefined;
      batch.fresh.clear();
      batch.newConversations.length = 0;
      batch.orphanSweep = false;
      let n = 0;
      for (const e of entries) {
        switch (e.op) {
          case 'put':
            if (puts.applyPut(e, source, sum)) n += 1;
            break;
          case 'del':
            scope.applyDel(e, sum);
            n += 1;
            break;
          case 'revoke':
            scope.revoke(e.id, e.v, e.reason ?? 'reassigned', e.reassignedTo ?? null, sum);
            n += 1;
            break;
          case 'grant':
            scope.applyGrant(e, sum);
            n += 1;
            break;
          case 'group_join':
          case 'group_leave':
            scope.applyGroup(e, sum);
            n += 1;
            break;
        }
      }
      if (batch.orphanSweep) {
        if (s.gcOrphanContacts.run().changes > 0) sum.tables.add('contacts');
        batch.orphanSweep = false;
      }
      // A new conversation whose whole history came in the same batch has a complete history.
      for (const [id, last] of batch.fresh) {
        if (s.heldFromOne.get(id, last) === last) s.floorLower.run(id, 1);
      }
      // A conversation can enter the replica through a plain put (its scope changed while the
      // replica was behind, or a partial bootstrap is still owed): if its contact did not come
      // with it, the newest history page brings it.
      for (const c of batch.newConversations)
        if (!s.hasContact.get(c.contactId) && !sum.needHistory.includes(c.id)) sum.needHistory.push(c.id);
      return n;
    },

    /** Lowers a conversation's history floor (a contiguous run down to `convSeq` is held). */
    lowerFloor(conversationId: string, convSeq: number): void {
      s.floorLower.run(conversationId, convSeq);
    },

    /** The history floor, or null when unknown. */
    floor(conversationId: string): number | null {
      return (s.floorGet.get(conversationId) as number | undefined) ?? null;
    },

    /** True when the replica holds this conversation. */
    hasConversation(id: string): boolean {
      return s.conversationVersion.get(id) !== undefined;
    },

    /** Whether a snapshot taken at `snapshotSeq` is older than a revoke of `conversationId` seen here. */
    isRevokedAfter(conversationId: string, snapshotSeq: number): boolean {
      batch.tombstonesKnownEmpty = false;
      return puts.revokedAfter(conversationId, { kind: 'snapshot', snapshotSeq });
    },
  };
}

/** The applier's type. */
export type Applier = ReturnType<typeof createApplier>;
