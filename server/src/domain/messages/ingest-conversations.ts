import { sql } from 'drizzle-orm';
import type { InboundMessageEvent } from '../../meta/normalize';
import { rowsOf } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import type { ContactOf } from './ingest-contacts';
import { orgKey, rowsJson as j, type InboundItem, type LogChanges } from './ingest-batch';
import type { InboundFields } from './message-content';

// Ingest steps 2 and 5, conversations: one upsert that finds or opens the conversation of every
// (number, contact) pair (a new one in the number's default team) and locks it before messages
// are counted (so conv_seq stays gap-free),
// and, once the messages are stored, one update of their last-message fields, unread count,
// 24-hour window and status.

const WINDOW_MS = 24 * 60 * 60 * 1000;

/** A conversation locked for the batch, with the sequence number its last message has. */
export type LockedConversation = {
  id: string;
  organization_id: string;
  whatsapp_account_id: string;
  contact_id: string;
  last_conv_seq: string | number;
  inserted: boolean;
};

/** The locked conversations, and the one of a (organization, number, contact). */
export type LockedConversations = {
  rows: LockedConversation[];
  of: (organizationId: string, accountId: string, contactId: string) => LockedConversation;
};

/** A new inbound message as stored, for the conversation update. */
export type StoredInbound = {
  id: string;
  org: string;
  conv: string;
  e: InboundMessageEvent;
  fields: Pick<InboundFields, 'preview' | 'type'>;
};

/**
 * SQL: the owner of the joined number `wa` while they are an active member: a member-owned
 * number's new conversation is assigned to its owner here, in the ingest transaction (issue 10),
 * so auto-assignment never sees it unassigned.
 */
export const ownerIfActive = sql`(select m.user_id from memberships m
  where m.organization_id = wa.organization_id and m.user_id = wa.owner_user_id and m.deactivated_at is null)`;

/**
 * Finds or creates the conversation of every message's (number, contact) and locks the rows,
 * in sorted order (a stable lock order between concurrent batches). One statement.
 */
export async function lockConversations(
  tx: Tx,
  messages: readonly InboundItem[],
  contactOf: ContactOf,
  now: Date,
): Promise<LockedConversations> {
  const keys = new Map<string, { o: string; a: string; c: string }>();
  for (const { org, account, e } of messages) {
    const contact = contactOf(org, e);
    keys.set(orgKey(org, account, contact.id), { o: org, a: account, c: contact.id });
  }
  const rows =
    keys.size === 0
      ? []
      : rowsOf<LockedConversation>(
          await tx.execute(sql`
            insert into conversations (organization_id, whatsapp_account_id, contact_id, team_id, owner_id,
              assignee_id, created_at, updated_at)
            -- A new conversation lands in its number's default team and, on a member-owned number,
            -- with its owner (an existing one keeps both).
            select v.o, v.a, v.c, wa.default_team_id, wa.owner_user_id, ${ownerIfActive}, ${now}, ${now}
            from json_to_recordset(${j([...keys.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v))}::json)
              as v(o uuid, a uuid, c uuid)
            left join whatsapp_accounts wa on wa.organization_id = v.o and wa.id = v.a
            on conflict (organization_id, whatsapp_account_id, contact_id)
              do update set updated_at = conversations.updated_at
            returning id, organization_id, whatsapp_account_id, contact_id, last_conv_seq, (xmax = 0) as inserted`),
        );
  const byKey = new Map(rows.map((c) => [orgKey(c.organization_id, c.whatsapp_account_id, c.contact_id), c]));
  return { rows, of: (org, account, contactId) => byKey.get(orgKey(org, account, contactId))! };
}

/** A conversation of the batch waiting for auto-assignment (new or reopened, unassigned). */
export type PendingAssignment = { organizationId: string; conversationId: string };

/**
 * Moves each conversation past its new messages in one statement: last_conv_seq, unread count,
 * the latest message's fields (only when it is newer than the one shown), last inbound time,
 * the 24-hour window, the customer's waiting time, and resolved or snoozed conversations reopen.
 * Logs the conversations; returns those waiting for auto-assignment.
 */
export async function applyNewMessages(
  tx: Tx,
  stored: readonly StoredInbound[],
  lastSeq: ReadonlyMap<string, number>,
  now: Date,
  log: LogChanges,
): Promise<PendingAssignment[]> {
  const perConv = new Map<string, { o: string; rows: StoredInbound[] }>();
  for (const r of stored) {
    const g = perConv.get(r.conv) ?? { o: r.org, rows: [] };
    g.rows.push(r);
    perConv.set(r.conv, g);
  }
  const convUpdates = [...perConv].map(([id, g]) => {
    const last = g.rows.reduce((a, b) => (b.e.timestamp.getTime() >= a.e.timestamp.getTime() ? b : a));
    return {
      id,
      o: g.o,
      seq: lastSeq.get(id),
      n: g.rows.length,
      at: last.e.timestamp.toISOString(),
      mid: last.id,
      pv: last.fields.preview,
      t: last.fields.type,
      win: new Date(last.e.timestamp.getTime() + WINDOW_MS).toISOString(),
      first: new Date(Math.min(...g.rows.map((r) => r.e.timestamp.getTime()))).toISOString(),
    };
  });
  const updated = await tx.execute(sql`
    update conversations c set
      last_conv_seq = v.seq,
      unread_count = c.unread_count + v.n,
      last_message_id = case when c.last_message_at is null or v.at >= c.last_message_at then v.mid else c.last_message_id end,
      last_message_preview = case when c.last_message_at is null or v.at >= c.last_message_at then v.pv else c.last_message_preview end,
      last_message_type = case when c.last_message_at is null or v.at >= c.last_message_at then v.t else c.last_message_type end,
      last_message_direction = case when c.last_message_at is null or v.at >= c.last_message_at then 'inbound' else c.last_message_direction end,
      last_message_status = case when c.last_message_at is null or v.at >= c.last_message_at then 'delivered' else c.last_message_status end,
      last_message_at = greatest(c.last_message_at, v.at),
      last_inbound_at = greatest(c.last_inbound_at, v.at),
      window_expires_at = greatest(c.window_expires_at, v.win),
      waiting_since = coalesce(c.waiting_since, v.first),
      -- New (the customer's first message) or reopened while nobody has it: the auto-assignment
      -- queue; domain/assignment decides in this transaction (it clears the flag where it is off).
      auto_assign_pending = c.auto_assign_pending or (c.assignee_id is null and c.owner_id is null
        and (c.last_inbound_at is null or c.status in ('resolved', 'snoozed'))
        and exists (select 1 from auto_assign_scopes s
          where s.organization_id = c.organization_id
            and ((s.kind = 'team' and s.target_id = c.team_id)
              or (s.kind = 'number' and s.target_id = c.whatsapp_account_id)))),
      status = case when c.status in ('resolved', 'snoozed') then 'open'::conversation_status else c.status end,
      snoozed_until = case when c.status in ('resolved', 'snoozed') then null else c.snoozed_until end,
      updated_at = ${now}
    from json_to_recordset(${j(convUpdates)}::json) as v(id uuid, o uuid, seq bigint, n int, at timestamptz, mid uuid,
      pv text, t text, win timestamptz, first timestamptz)
    where c.organization_id = v.o and c.id = v.id
    returning c.id, c.organization_id, c.auto_assign_pending`);
  for (const c of convUpdates) log(c.o, { entity: 'conversation', entityId: c.id, conversationId: c.id });
  return rowsOf<{ id: string; organization_id: string; auto_assign_pending: boolean }>(updated)
    .filter((r) => r.auto_assign_pending)
    .map((r) => ({ organizationId: r.organization_id, conversationId: r.id }));
}
