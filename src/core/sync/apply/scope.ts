import type { ChangeEntry, GrantEntry, GroupEntry } from '#contract/sync/protocol';
import { unknownSpan, type SpanRecorder } from '../message-spans';
import type { ApplySummary } from './apply';
import type { Puts } from './puts';
import { TABLE_OF, type ApplyBatch, type ApplyStatements } from './statements';

/**
 * What removes rows or changes what the replica may hold (design/sync-protocol.md §2.10):
 * deletes, revokes, grants and group joins/leaves. A revoke or a dropped scope deletes the
 * conversation with its messages, notes and reactions, leaves a revoke tombstone, turns its
 * pending messages into visible failures ("not sent – conversation reassigned") and removes
 * contacts no longer referenced. Runs inside the caller's transaction (`apply.ts`).
 */

/** The failure a pending message shows when its conversation was reassigned away. */
export const REASSIGNED_ERROR = {
  code: 'conversation_reassigned',
  message: 'Not sent – conversation reassigned',
} as const;

/** Scope reasons a group gives (`team_all:x` and `team:x` both give `team:x`). */
const reasonOf = (group: string): string => (group === 'role' ? 'role' : `team:${group.split(':')[1]}`);

/** Builds the removal and scope side over the applier's statements, batch memo and put side. */
export function createScopeChanges(s: ApplyStatements, batch: ApplyBatch, puts: Puts, spans: SpanRecorder) {
  /** Deletes a conversation with everything that hangs off it; returns its contact id. */
  const dropConversation = (id: string): string | null => {
    const contactId = (s.contactOf.get(id) as string | undefined) ?? null;
    s.deleteMessagesOf.run(id);
    s.deleteNotesOf.run(id);
    s.deleteReactionsOf.run(id);
    s.deleteFloor.run(id);
    s.deleteById.conversation.run(id);
    return contactId;
  };

  /** Revoke semantics: drop, tombstone, pending rows to the failed tray, contact GC. */
  const revoke = (
    id: string,
    v: number,
    reason: 'reassigned' | 'scope',
    reassignedTo: string | null,
    sum: ApplySummary,
  ): void => {
    const contactId = dropConversation(id);
    s.tombstonePut.run('conversation', id, v, 'revoke');
    batch.tombstonesKnownEmpty = false;
    s.failPendingOf.run(JSON.stringify(REASSIGNED_ERROR), id);
    if (contactId) s.gcContact.run(contactId, contactId);
    // Not held (a partial bootstrap was still owed when the scope came and went): its contact may
    // have come through the log all the same, and we cannot tell which one it was. Swept once,
    // at the end of the batch.
    else batch.orphanSweep = true;
    sum.revoked.push({
      conversationId: id,
      reason,
      reassignedTo,
      pendingCount: s.pendingCountOf.get(id) as number,
    });
    for (const t of ['conversations', 'messages', 'notes', 'reactions', 'contacts', 'pending_messages'])
      sum.tables.add(t);
    sum.conversationIds.add(id);
    unknownSpan(sum.messageSpans, id);
  };

  /** A server-side delete: the row (a conversation with what hangs off it) and a `del` tombstone. */
  const applyDel = (e: Extract<ChangeEntry, { op: 'del' }>, sum: ApplySummary): void => {
    let cid: string | null = null;
    if (e.e === 'conversation') {
      const contactId = dropConversation(e.id);
      if (contactId) s.gcContact.run(contactId, contactId);
      cid = e.id;
      for (const t of ['messages', 'notes', 'reactions', 'contacts']) sum.tables.add(t);
      unknownSpan(sum.messageSpans, e.id);
    } else {
      if (e.e === 'message' || e.e === 'note' || e.e === 'reaction')
        cid = (s.conversationOf[e.e].get(e.id) as string | undefined) ?? null;
      spans.del(e, cid, sum.messageSpans);
      if (e.e === 'message') s.deleteReactionsOfMessage.run(e.id);
      s.deleteById[e.e].run(e.id);
    }
    s.tombstonePut.run(e.e, e.id, e.v, 'del');
    batch.tombstonesKnownEmpty = false;
    sum.tables.add(TABLE_OF[e.e]);
    if (cid) sum.conversationIds.add(cid);
  };

  /** A conversation became visible: its row, and its inlined rows and floor (or a history fetch). */
  const applyGrant = (e: GrantEntry, sum: ApplySummary): void => {
    // A grant supersedes an earlier revoke of the same conversation.
    s.tombstoneClear.run('conversation', e.id, e.v);
    if (!puts.upsertConversation(e.row, e.rowVersion, e.scope)) {
      const scope = JSON.stringify(e.scope);
      s.refreshScope.run(scope, e.id, e.rowVersion, scope);
    }
    sum.tables.add('conversations');
    sum.conversationIds.add(e.id);
    // A grant may lower the history floor: no range says that.
    unknownSpan(sum.messageSpans, e.id);
    if (e.related) {
      for (const r of e.related) puts.applyPut(r, { kind: 'log' }, sum);
      if (e.floorConvSeq !== undefined) s.floorLower.run(e.id, e.floorConvSeq ?? 1);
    } else {
      sum.needHistory.push(e.id);
    }
  };

  /** A join owes a partial bootstrap; a leave removes the group's reason from `_scope`. */
  const applyGroup = (e: GroupEntry, sum: ApplySummary): void => {
    if (e.op === 'group_join') {
      s.addPendingGroup.run(e.group);
      sum.groupJoins.push(e.group);
      return;
    }
    // The server revokes what the viewer no longer sees (the contract). Defence in depth for a
    // server that only logs the group entry: a conversation whose recorded reasons run out is
    // dropped now (never a leak) and re-checked with the server (history: 404 = gone for good,
    // a page = still visible through a reason this replica did not know, re-added), so a stale
    // reason list cannot lose a conversation either.
    const reason = reasonOf(e.group);
    for (const c of s.withReason.all(reason) as { id: string; scope: string }[]) {
      const left = (JSON.parse(c.scope) as string[]).filter((r) => r !== reason);
      if (left.length > 0) {
        s.setScope.run(JSON.stringify(left), c.id);
        sum.tables.add('conversations');
      } else {
        revoke(c.id, e.v, 'scope', null, sum);
        s.addRecheck.run(c.id);
        sum.rechecks.push(c.id);
      }
    }
  };

  return { revoke, applyDel, applyGrant, applyGroup };
}
