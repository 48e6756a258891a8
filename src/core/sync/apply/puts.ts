import type { ConversationRow, PutEntry, RowOf } from '#contract/sync/protocol';
import type { SpanRecorder } from '../message-spans';
import type { ApplySource, ApplySummary } from './apply';
import { contactSearchText, messageSearchText } from './search-text';
import { TABLE_OF, type ApplyBatch, type ApplyStatements, type NamedTable } from './statements';

/**
 * Puts, per entity kind: version-guarded upserts behind two guards — a `del` tombstone blocks any
 * put at or below its version, and a snapshot row of a conversation revoked after the snapshot
 * never lands. Runs inside the caller's transaction (`apply.ts`).
 */

const epochMs = (iso: string | null | undefined): number => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : 0;
};

const conversationIdOf = (e: PutEntry): string | null => {
  switch (e.e) {
    case 'conversation':
      return e.id;
    case 'message':
    case 'note':
    case 'reaction':
      return e.row.conversationId;
    default:
      return null;
  }
};

/** Builds the put side over the applier's statements and its batch memo. */
export function createPuts(s: ApplyStatements, batch: ApplyBatch, spans: SpanRecorder) {
  /**
   * A deleted row stays deleted: a put at or below the deletion's seq is stale. (A revoke
   * tombstone blocks only snapshot rows read before it, see `revokedAfter`: in log order a put
   * after a revoke means the conversation is visible again.)
   */
  const blockedByTombstone = (e: string, id: string, v: number): boolean => {
    if (batch.tombstonesKnownEmpty) return false;
    const t = s.tombstone.get(e, id) as { version: number; kind: string } | undefined;
    return t !== undefined && t.kind === 'del' && t.version >= v;
  };

  /** A snapshot row of conversation `c` must not land if the replica saw `c` revoked after the snapshot. */
  const revokedAfter = (conversationId: string, source: ApplySource): boolean => {
    if (source.kind !== 'snapshot' || batch.tombstonesKnownEmpty) return false;
    const t = s.tombstone.get('conversation', conversationId) as { version: number } | undefined;
    return t !== undefined && t.version > source.snapshotSeq;
  };

  /** Writes a conversation row (version-guarded); true when it was written. */
  const upsertConversation = (row: ConversationRow, v: number, scope: readonly string[]): boolean =>
    s.conversationUpsert.run({
      id: row.id,
      version: v,
      status: row.status,
      snoozedUntil: row.snoozedUntil,
      assigneeId: row.assigneeId,
      teamId: row.teamId,
      important: row.important ? 1 : 0,
      labels: JSON.stringify(row.labels),
      unreadCount: row.unreadCount,
      readUpToConvSeq: row.readUpToConvSeq,
      lastConvSeq: row.lastConvSeq,
      contactId: row.contact.id,
      whatsappAccountId: row.whatsappAccountId,
      sortAt: epochMs(row.lastMessageAt ?? row.createdAt),
      scope: JSON.stringify(scope),
      row: JSON.stringify(row),
    }).changes > 0;

  /** Applies one put. Returns true when the row was written. */
  const applyPut = (e: PutEntry, source: ApplySource, sum: ApplySummary): boolean => {
    if (blockedByTombstone(e.e, e.id, e.v)) return false;
    const cid = conversationIdOf(e);
    if (cid && revokedAfter(cid, source)) return false;
    let written: boolean;
    switch (e.e) {
      case 'conversation': {
        const isNew = source.kind === 'log' && s.conversationVersion.get(e.id) === undefined;
        written = upsertConversation(e.row, e.v, e.scope);
        // Scope reasons are the viewer's projection, not versioned data: the same version seen
        // later (a newer pull page, a partial bootstrap after a group join) may carry more or
        // fewer reasons, and group_leave must see them.
        if (!written && (source.kind === 'log' || source.current)) {
          const scope = JSON.stringify(e.scope);
          if (s.refreshScope.run(scope, e.id, e.v, scope).changes > 0) sum.tables.add('conversations');
        }
        // A conversation that arrives through the log with no history yet has a complete (empty)
        // history: every later message comes through the log too.
        if (written && isNew) {
          if (e.row.lastConvSeq === 0) s.floorLower.run(e.id, 1);
          else batch.fresh.set(e.id, e.row.lastConvSeq);
          batch.newConversations.push({ id: e.id, contactId: e.row.contact.id });
        }
        break;
      }
      case 'message': {
        const { reactions: _reactions, ...row } = e.row;
        written =
          s.messageUpsert.run(
            e.id,
            e.v,
            row.conversationId,
            row.convSeq,
            messageSearchText(e.row),
            JSON.stringify(row),
          ).changes > 0;
        break;
      }
      case 'contact':
        written = s.contactUpsert.run(e.id, e.v, contactSearchText(e.row), JSON.stringify(e.row)).changes > 0;
        break;
      case 'note':
        written =
          s.noteUpsert.run(e.id, e.v, e.row.conversationId, e.row.createdAt, JSON.stringify(e.row)).changes >
          0;
        break;
      case 'reaction':
        written =
          s.reactionUpsert.run(e.id, e.v, e.row.conversationId, e.row.messageId, JSON.stringify(e.row))
            .changes > 0;
        break;
      case 'template':
      case 'member':
      case 'team':
      case 'whatsapp_account':
      case 'label': {
        const table = TABLE_OF[e.e] as NamedTable;
        written =
          s.namedUpsert[table].run(e.id, e.v, (e.row as RowOf<'team'>).name, JSON.stringify(e.row)).changes >
          0;
        break;
      }
      case 'canned_response':
        // Keyed by shortcut, the composer's "/" picker's sort and filter.
        written =
          s.namedUpsert.canned_responses.run(e.id, e.v, e.row.shortcut, JSON.stringify(e.row)).changes > 0;
        break;
      case 'business_hours':
        written =
          s.namedUpsert.business_hours.run(e.id, e.v, e.row.timeZone, JSON.stringify(e.row)).changes > 0;
        break;
    }
    if (written) {
      if (!batch.tombstonesKnownEmpty) s.tombstoneClear.run(e.e, e.id, e.v);
      sum.tables.add(TABLE_OF[e.e]);
      if (cid) sum.conversationIds.add(cid);
      spans.put(e, source.kind === 'snapshot', sum.messageSpans);
    }
    return written;
  };

  return { applyPut, upsertConversation, revokedAfter };
}

/** The put side's type. */
export type Puts = ReturnType<typeof createPuts>;
