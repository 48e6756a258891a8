import type { ConversationRow, PutEntry, ScopeReason, SyncEntity } from '#contract/sync/protocol';
import type { ConversationFacts } from '../visibility/rule';
import type { Loaded, LoadedConversation } from './projection';

// Loaded rows as the wire's change entries (contract/sync): the put of one row for one viewer
// (their read marker, their scope reasons), the conversation a conversation-scoped row belongs
// to, and which log entities travel at all. Whether the viewer may have the row is decided
// before (`domain/visibility`); these only shape it.

/** The conversation row as `userId` sees it (their read marker). */
export function conversationFor(loaded: Loaded, c: LoadedConversation, userId: string): ConversationRow {
  const mark = loaded.reads.get(c.row.id)?.get(userId) ?? 0;
  const markedUnread = loaded.markedUnread.get(c.row.id)?.has(userId) ?? false;
  return viewerRow(c.row, mark, markedUnread);
}

/**
 * A conversation row with one viewer's read state: their marker, and at least one unread when
 * they marked it unread by hand (the inbox's unread filter, counts and badge then show it to
 * them alone, with no per-user column in the replica).
 */
export function viewerRow(row: ConversationRow, mark: number, markedUnread: boolean): ConversationRow {
  const unreadCount = markedUnread ? Math.max(1, row.unreadCount) : row.unreadCount;
  return mark === row.readUpToConvSeq && unreadCount === row.unreadCount
    ? row
    : { ...row, readUpToConvSeq: mark, unreadCount };
}

/**
 * The put entry of one loaded row for a viewer whose visibility the caller decided, or null
 * when the row is missing or deleted (the caller then decides between `del` and omission).
 * `fallbackVersion` versions members and teams, whose tables have no `version` column: the log
 * seq of the entry (pull, live) or the snapshot seq (bootstrap).
 */
export function putOf(
  loaded: Loaded,
  entity: SyncEntity,
  id: string,
  userId: string,
  reasons: ScopeReason[],
  fallbackVersion: number,
): PutEntry | null {
  switch (entity) {
    case 'conversation': {
      const c = loaded.conversation.get(id);
      if (!c || reasons.length === 0) return null;
      return {
        e: 'conversation',
        id,
        v: c.version,
        op: 'put',
        row: conversationFor(loaded, c, userId),
        scope: reasons,
      };
    }
    case 'message': {
      const m = loaded.message.get(id);
      const meta = loaded.messageMeta.get(id);
      return m && meta ? { e: 'message', id, v: meta.version, op: 'put', row: m } : null;
    }
    case 'reaction': {
      const r = loaded.reaction.get(id);
      return r?.row ? { e: 'reaction', id, v: r.version, op: 'put', row: r.row } : null;
    }
    case 'note': {
      const n = loaded.note.get(id);
      return n ? { e: 'note', id, v: n.version, op: 'put', row: n.row } : null;
    }
    case 'contact': {
      const c = loaded.contact.get(id);
      return c ? { e: 'contact', id, v: c.version, op: 'put', row: c.row } : null;
    }
    case 'template': {
      const t = loaded.template.get(id);
      return t ? { e: 'template', id, v: t.version, op: 'put', row: t.row } : null;
    }
    case 'whatsapp_account': {
      const a = loaded.whatsapp_account.get(id);
      return a ? { e: 'whatsapp_account', id, v: a.version, op: 'put', row: a.row } : null;
    }
    case 'member': {
      const m = loaded.member.get(id);
      return m ? { e: 'member', id, v: fallbackVersion, op: 'put', row: m } : null;
    }
    case 'team': {
      const t = loaded.team.get(id);
      return t ? { e: 'team', id, v: fallbackVersion, op: 'put', row: t } : null;
    }
    case 'label': {
      const l = loaded.label.get(id);
      return l ? { e: 'label', id, v: l.version, op: 'put', row: l.row } : null;
    }
    case 'canned_response': {
      // Whether this viewer may have it is decided before (`canSeeCannedResponse`).
      const c = loaded.canned_response.get(id);
      return c ? { e: 'canned_response', id, v: c.version, op: 'put', row: c.row } : null;
    }
    case 'business_hours': {
      const h = loaded.business_hours.get(id);
      return h ? { e: 'business_hours', id, v: fallbackVersion, op: 'put', row: h } : null;
    }
  }
}

/** The conversation a loaded conversation-scoped row belongs to, with its facts. */
export function scopeOf(
  loaded: Loaded,
  entity: SyncEntity,
  id: string,
): { conversationId: string; facts: ConversationFacts } | undefined {
  switch (entity) {
    case 'conversation': {
      const c = loaded.conversation.get(id);
      return c && { conversationId: id, facts: c.facts };
    }
    case 'message':
      return loaded.messageMeta.get(id);
    case 'reaction':
      return loaded.reaction.get(id);
    case 'note':
      return loaded.note.get(id);
    default:
      return undefined;
  }
}

/** Wire entities of the log (`sync_log.entity` values sent to clients). */
export const WIRE_ENTITIES: ReadonlySet<string> = new Set<SyncEntity>([
  'conversation',
  'message',
  'contact',
  'template',
  'member',
  'team',
  'note',
  'reaction',
  'whatsapp_account',
  'label',
  'canned_response',
  'business_hours',
]);

/** Whether a log entity is sent to clients (internal ones like `media` are not). */
export const isWireEntity = (entity: string): entity is SyncEntity => WIRE_ENTITIES.has(entity);
