import type Database from 'better-sqlite3';
import type { SyncEntity } from '#contract/sync/protocol';

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
  label: 'labels',
  canned_response: 'canned_responses',
  business_hours: 'business_hours',
};

/** Entities kept as `(id, version, name, row)`: tenant-wide reference data. */
export type NamedTable =
  'templates' | 'members' | 'teams' | 'whatsapp_accounts' | 'labels' | 'canned_responses' | 'business_hours';

/**
 * Every statement the applier runs, prepared once per replica. Upserts are version-guarded
 * (`… WHERE excluded.version > version`), so a stale or repeated row changes nothing.
 */
export function prepareApplyStatements(db: Database.Database) {
  return {
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
      (
        [
          'templates',
          'members',
          'teams',
          'whatsapp_accounts',
          'labels',
          'canned_responses',
          'business_hours',
        ] as const
      ).map((t) => [
        t,
        db.prepare(
          `INSERT INTO ${t} (id, version, name, row) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET version = excluded.version, name = excluded.name, row = excluded.row
           WHERE excluded.version > ${t}.version`,
        ),
      ]),
    ) as Record<NamedTable, Database.Statement>,
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
}

/** The applier's prepared statements. */
export type ApplyStatements = ReturnType<typeof prepareApplyStatements>;

/**
 * What one `applyEntries` call remembers while it runs (reset at its start): the parts write it,
 * `apply.ts` finishes the batch from it.
 */
export interface ApplyBatch {
  /** Whether the replica has no tombstone at all (a fresh bootstrap): the guards are skipped. */
  tombstonesKnownEmpty: boolean;
  /** A revoke of a conversation not held was applied: sweep contacts no conversation uses. */
  orphanSweep: boolean;
  /** Conversations this batch inserted from the log, with their newest convSeq. */
  fresh: Map<string, number>;
  /** …and the conversation ids with their contact ids (to check the contact arrived too). */
  newConversations: { id: string; contactId: string }[];
}
