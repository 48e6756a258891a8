import type Database from 'better-sqlite3';
import type {
  ChangeEntry,
  ConversationRow,
  GrantEntry,
  GroupEntry,
  MessageRow,
  PutEntry,
  RowOf,
  SyncEntity,
} from '#contract/sync/protocol';
import type { Contact } from '#contract/api/contacts';
import { createSpanRecorder, unknownSpan, type MessageSpans } from './message-spans';

/**
 * The sync applier: the only writer of the server-truth tables (design/sync-protocol.md §2.5,
 * §2.8, §2.10). Every function here runs INSIDE a transaction the caller opened (a pull page,
 * a live packet, a bootstrap chunk, a history page) so that data, cursor and outbox state move
 * together. Statements are prepared once.
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

/** Table names by entity. */
export const TABLE_OF: Record<SyncEntity, string> = {
  conversation: 'conversations',
  message: 'messages',
  contact: 'contacts',
  template: 'templates',
  member: 'members',
  team: 'teams',
  note: 'notes',
  reaction: 'reactions',
  whatsapp_account: 'whatsapp_accounts',
};

/** The failure a pending message shows when its conversation was reassigned away. */
export const REASSIGNED_ERROR = {
  code: 'conversation_reassigned',
  message: 'Not sent – conversation reassigned',
} as const;

const epochMs = (iso: string | null | undefined): number => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : 0;
};

/** The text a message is found by: its text, caption or rendered template body. */
export function messageSearchText(m: MessageRow): string | null {
  return m.text ?? m.caption ?? m.template?.renderedBody ?? m.location?.name ?? null;
}

/**
 * The text a contact is found by: names, the number as digits (the trigram index finds any 3+
 * digit run inside it, so "+1 415-555" and "5550" both match), the WhatsApp id when it differs,
 * the username. Kept short: every character costs trigram index entries on each write.
 */
export function contactSearchText(c: Contact): string {
  const digits = c.phone ? c.phone.replace(/\D/g, '') : '';
  const parts = [
    c.name,
    c.profileName !== c.name ? c.profileName : null,
    digits,
    c.waId !== digits ? c.waId : null,
    c.username,
  ];
  return parts.filter(Boolean).join(' ');
}

/** Scope reasons a group gives (`team_all:x` and `team:x` both give `team:x`). */
const reasonOf = (group: string): string => (group === 'role' ? 'role' : `team:${group.split(':')[1]}`);

/** Builds the applier over an open replica. */
export function createApplier(db: Database.Database) {
  db.prepare('INSERT OR IGNORE INTO sync_state (id) VALUES (1)').run();
  const spans = createSpanRecorder(db);
  const s = {
    anyTombstone: db.prepare('SELECT 1 FROM tombstones LIMIT 1').pluck(),
    tombstone: db.prepare('SELECT version, kind FROM tombstones WHERE entity = ? AND id = ?'),
    tombstonePut: db.prepare(
      `INSERT INTO tombstones (entity, id, version, kind) VALUES (?, ?, ?, ?)
       ON CONFLICT (entity, id) DO UPDATE SET version = excluded.version, kind = excluded.kind
       WHERE excluded.version > tombstones.version`,
    ),
    tombstoneClear: db.prepare('DELETE FROM tombstones WHERE entity = ? AND id = ? AND version < ?'),
    conversationVersion: db.prepare('SELECT version FROM conversations WHERE id = ?').pluck(),
    conversationUpsert: db.prepare(
      `INSERT INTO conversations (id, version, status, snoozed_until, assignee_id, team_id, important, labels,
         unread_count, read_up_to_conv_seq, last_conv_seq, contact_id, whatsapp_account_id, sort_at, _scope, row)
       VALUES (@id, @version, @status, @snoozedUntil, @assigneeId, @teamId, @important, @labels, @unreadCount,
         @readUpToConvSeq, @lastConvSeq, @contactId, @whatsappAccountId, @sortAt, @scope, @row)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status,
         snoozed_until = excluded.snoozed_until, assignee_id = excluded.assignee_id, team_id = excluded.team_id,
         important = excluded.important, labels = excluded.labels, unread_count = excluded.unread_count,
         read_up_to_conv_seq = excluded.read_up_to_conv_seq, last_conv_seq = excluded.last_conv_seq,
         contact_id = excluded.contact_id, whatsapp_account_id = excluded.whatsapp_account_id,
         sort_at = excluded.sort_at, _scope = excluded._scope, row = excluded.row
       WHERE excluded.version > conversations.version`,
    ),
    messageUpsert: db.prepare(
      `INSERT INTO messages (id, version, conversation_id, conv_seq, search_text, row)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, conversation_id = excluded.conversation_id,
         conv_seq = excluded.conv_seq, search_text = excluded.search_text, row = excluded.row
       WHERE excluded.version > messages.version`,
    ),
    contactUpsert: db.prepare(
      `INSERT INTO contacts (id, version, search_text, row) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, search_text = excluded.search_text, row = excluded.row
       WHERE excluded.version > contacts.version`,
    ),
    noteUpsert: db.prepare(
      `INSERT INTO notes (id, version, conversation_id, created_at, row) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, conversation_id = excluded.conversation_id,
         created_at = excluded.created_at, row = excluded.row
       WHERE excluded.version > notes.version`,
    ),
    reactionUpsert: db.prepare(
      `INSERT INTO reactions (id, version, conversation_id, message_id, row) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, conversation_id = excluded.conversation_id,
         message_id = excluded.message_id, row = excluded.row
       WHERE excluded.version > reactions.version`,
    ),
    namedUpsert: Object.fromEntries(
      (['templates', 'members', 'teams', 'whatsapp_accounts'] as const).map((t) => [
        t,
        db.prepare(
          `INSERT INTO ${t} (id, version, name, row) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET version = excluded.version, name = excluded.name, row = excluded.row
           WHERE excluded.version > ${t}.version`,
        ),
      ]),
    ) as Record<'templates' | 'members' | 'teams' | 'whatsapp_accounts', Database.Statement>,
    deleteById: Object.fromEntries(
      Object.entries(TABLE_OF).map(([e, t]) => [e, db.prepare(`DELETE FROM ${t} WHERE id = ?`)]),
    ) as Record<SyncEntity, Database.Statement>,
    conversationOf: {
      message: db.prepare('SELECT conversation_id FROM messages WHERE id = ?').pluck(),
      note: db.prepare('SELECT conversation_id FROM notes WHERE id = ?').pluck(),
      reaction: db.prepare('SELECT conversation_id FROM reactions WHERE id = ?').pluck(),
    },
    contactOf: db.prepare('SELECT contact_id FROM conversations WHERE id = ?').pluck(),
    hasContact: db.prepare('SELECT 1 FROM contacts WHERE id = ?').pluck(),
    deleteMessagesOf: db.prepare('DELETE FROM messages WHERE conversation_id = ?'),
    deleteNotesOf: db.prepare('DELETE FROM notes WHERE conversation_id = ?'),
    deleteReactionsOf: db.prepare('DELETE FROM reactions WHERE conversation_id = ?'),
    deleteReactionsOfMessage: db.prepare('DELETE FROM reactions WHERE message_id = ?'),
    deleteFloor: db.prepare('DELETE FROM history_floor WHERE conversation_id = ?'),
    gcContact: db.prepare(
      'DELETE FROM contacts WHERE id = ? AND NOT EXISTS (SELECT 1 FROM conversations WHERE contact_id = ?)',
    ),
    gcOrphanContacts: db.prepare(
      'DELETE FROM contacts WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE contact_id = contacts.id)',
    ),
    failPendingOf: db.prepare(
      `UPDATE pending_messages SET state = 'failed', error = ? WHERE conversation_id = ? AND state = 'pending'`,
    ),
    pendingCountOf: db.prepare('SELECT count(*) FROM pending_messages WHERE conversation_id = ?').pluck(),
    floorGet: db.prepare('SELECT conv_seq FROM history_floor WHERE conversation_id = ?').pluck(),
    floorLower: db.prepare(
      `INSERT INTO history_floor (conversation_id, conv_seq) VALUES (?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET conv_seq = min(conv_seq, excluded.conv_seq)`,
    ),
    heldFromOne: db
      .prepare('SELECT count(*) FROM messages WHERE conversation_id = ? AND conv_seq BETWEEN 1 AND ?')
      .pluck(),
    withReason: db.prepare(
      `SELECT id, _scope AS scope FROM conversations
       WHERE EXISTS (SELECT 1 FROM json_each(conversations._scope) WHERE value = ?)`,
    ),
    setScope: db.prepare('UPDATE conversations SET _scope = ? WHERE id = ?'),
    refreshScope: db.prepare(
      'UPDATE conversations SET _scope = ? WHERE id = ? AND version = ? AND _scope != ?',
    ),
    addRecheck: db.prepare(
      `UPDATE sync_state SET rechecks = json_insert(coalesce(rechecks, '[]'), '$[#]', ?) WHERE id = 1`,
    ),
    addPendingGroup: db.prepare(
      `UPDATE sync_state SET pending_groups = json_insert(coalesce(pending_groups, '[]'), '$[#]', ?) WHERE id = 1`,
    ),
  };

  /** Per-transaction memo: whether any tombstone exists (a fresh bootstrap has none). */
  let tombstonesKnownEmpty = false;
  /** A revoke of a conversation not held was applied: sweep contacts no conversation uses. */
  let orphanSweep = false;
  /** Conversations this transaction inserted from the log, with their newest convSeq. */
  const fresh = new Map<string, number>();
  /** …and their put entries (to check their contact arrived too). */
  const newConversations: Extract<PutEntry, { e: 'conversation' }>[] = [];

  /**
   * A deleted row stays deleted: a put at or below the deletion's seq is stale. (A revoke
   * tombstone blocks only snapshot rows read before it, see `revokedAfter`: in log order a put
   * after a revoke means the conversation is visible again.)
   */
  const blockedByTombstone = (e: string, id: string, v: number): boolean => {
    if (tombstonesKnownEmpty) return false;
    const t = s.tombstone.get(e, id) as { version: number; kind: string } | undefined;
    return t !== undefined && t.kind === 'del' && t.version >= v;
  };

  /** A snapshot row of conversation `c` must not land if the replica saw `c` revoked after the snapshot. */
  const revokedAfter = (conversationId: string, source: ApplySource): boolean => {
    if (source.kind !== 'snapshot' || tombstonesKnownEmpty) return false;
    const t = s.tombstone.get('conversation', conversationId) as { version: number } | undefined;
    return t !== undefined && t.version > source.snapshotSeq;
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
          else fresh.set(e.id, e.row.lastConvSeq);
          newConversations.push(e);
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
      case 'whatsapp_account': {
        const table = TABLE_OF[e.e] as 'templates' | 'members' | 'teams' | 'whatsapp_accounts';
        written =
          s.namedUpsert[table].run(e.id, e.v, (e.row as RowOf<'team'>).name, JSON.stringify(e.row)).changes >
          0;
        break;
      }
    }
    if (written) {
      if (!tombstonesKnownEmpty) s.tombstoneClear.run(e.e, e.id, e.v);
      sum.tables.add(TABLE_OF[e.e]);
      if (cid) sum.conversationIds.add(cid);
      spans.put(e, source.kind === 'snapshot', sum.messageSpans);
    }
    return written;
  };

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
    tombstonesKnownEmpty = false;
    s.failPendingOf.run(JSON.stringify(REASSIGNED_ERROR), id);
    if (contactId) s.gcContact.run(contactId, contactId);
    // Not held (a partial bootstrap was still owed when the scope came and went): its contact may
    // have come through the log all the same, and we cannot tell which one it was. Swept once,
    // at the end of the batch.
    else orphanSweep = true;
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
    tombstonesKnownEmpty = false;
    sum.tables.add(TABLE_OF[e.e]);
    if (cid) sum.conversationIds.add(cid);
  };

  const applyGrant = (e: GrantEntry, sum: ApplySummary): void => {
    // A grant supersedes an earlier revoke of the same conversation.
    s.tombstoneClear.run('conversation', e.id, e.v);
    if (!upsertConversation(e.row, e.rowVersion, e.scope)) {
      const scope = JSON.stringify(e.scope);
      s.refreshScope.run(scope, e.id, e.rowVersion, scope);
    }
    sum.tables.add('conversations');
    sum.conversationIds.add(e.id);
    // A grant may lower the history floor: no range says that.
    unknownSpan(sum.messageSpans, e.id);
    if (e.related) {
      for (const r of e.related) applyPut(r, { kind: 'log' }, sum);
      if (e.floorConvSeq !== undefined) s.floorLower.run(e.id, e.floorConvSeq ?? 1);
    } else {
      sum.needHistory.push(e.id);
    }
  };

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

  return {
    /**
     * Applies entries in order. Must run inside the caller's transaction. Returns the number of
     * rows written (puts that passed their guards, deletes, scope changes).
     */
    applyEntries(entries: readonly ChangeEntry[], source: ApplySource, sum: ApplySummary): number {
      tombstonesKnownEmpty = s.anyTombstone.get() === undefined;
      fresh.clear();
      newConversations.length = 0;
      orphanSweep = false;
      let n = 0;
      for (const e of entries) {
        switch (e.op) {
          case 'put':
            if (applyPut(e, source, sum)) n += 1;
            break;
          case 'del':
            applyDel(e, sum);
            n += 1;
            break;
          case 'revoke':
            revoke(e.id, e.v, e.reason ?? 'reassigned', e.reassignedTo ?? null, sum);
            n += 1;
            break;
          case 'grant':
            applyGrant(e, sum);
            n += 1;
            break;
          case 'group_join':
          case 'group_leave':
            applyGroup(e, sum);
            n += 1;
            break;
        }
      }
      if (orphanSweep) {
        if (s.gcOrphanContacts.run().changes > 0) sum.tables.add('contacts');
        orphanSweep = false;
      }
      // A new conversation whose whole history came in the same batch has a complete history.
      for (const [id, last] of fresh) {
        if (s.heldFromOne.get(id, last) === last) s.floorLower.run(id, 1);
      }
      // A conversation can enter the replica through a plain put (its scope changed while the
      // replica was behind, or a partial bootstrap is still owed): if its contact did not come
      // with it, the newest history page brings it.
      for (const c of newConversations)
        if (!s.hasContact.get(c.row.contact.id) && !sum.needHistory.includes(c.id))
          sum.needHistory.push(c.id);
      return n;
    },

    /**
     * A snapshot page's contacts whose conversation did not land (revoked meanwhile) must not
     * stay: contacts are visible only through a conversation.
     */
    dropOrphanContacts(contactIds: Iterable<string>): void {
      for (const id of contactIds) s.gcContact.run(id, id);
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
      tombstonesKnownEmpty = false;
      return revokedAfter(conversationId, { kind: 'snapshot', snapshotSeq });
    },
  };
}

/** The applier's type. */
export type Applier = ReturnType<typeof createApplier>;
