import type Database from 'better-sqlite3';
import type { Contact } from '#contract/api/contacts';
import type { ConversationStatus } from '#contract/domain/messaging';
import type {
  ConversationDetail,
  ConversationPage,
  InboxConversation,
  InboxCounts,
  InboxView,
  Parsed,
  TabCounts,
} from '#contract/ipc/contract';
import type { ConversationRow } from '#contract/sync/protocol';
import type { Drafts } from './drafts';
import { contactMatch, messageMatch } from './search-match';

/**
 * The inbox's read side: keyset pages (never OFFSET), counts from the incrementally maintained
 * `inbox_counts` table, one conversation's detail and a contact with its pending edits. Every
 * statement is prepared once (lazily per filter combination) and uses an index that matches its
 * ORDER BY, so a page costs O(log n + page) at any depth.
 *
 * Pending overlays: a conversation with unconfirmed local patches is read through
 * `v_conversations` (the newest patch per field on top); all others straight from
 * `conversations` by index. The two sets are disjoint and merged by (sort_at, id).
 */

const STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];

/** Columns both arms of the inbox query return (effective values). */
const COLS = `id, status, snoozed_until, assignee_id, team_id, important, labels, unread_count,
  read_up_to_conv_seq, sort_at, row`;

interface ConvRaw {
  id: string;
  status: string;
  snoozed_until: string | null;
  assignee_id: string | null;
  team_id: string | null;
  important: number;
  labels: string;
  unread_count: number;
  read_up_to_conv_seq: number;
  sort_at: number;
  row: string;
  has_pending?: number;
  contact_name?: string | null;
  contact_phone?: string | null;
}

/** Turns a raw row into the UI shape: the server JSON with the effective (patched) fields on top. */
function toInbox(r: ConvRaw): InboxConversation {
  const base = JSON.parse(r.row) as ConversationRow;
  return {
    ...base,
    status: r.status as ConversationStatus,
    snoozedUntil: r.snoozed_until,
    assigneeId: r.assignee_id,
    teamId: r.team_id,
    important: r.important === 1,
    labels: JSON.parse(r.labels) as string[],
    unreadCount: r.unread_count,
    readUpToConvSeq: r.read_up_to_conv_seq,
    contact: {
      ...base.contact,
      name: r.contact_name !== undefined ? (r.contact_name ?? base.contact.name) : base.contact.name,
      phone: r.contact_phone !== undefined ? (r.contact_phone ?? base.contact.phone) : base.contact.phone,
    },
    hasPendingChanges: r.has_pending === 1,
  };
}

/** What the inbox's base arm reads: the server row as stored, its keyset and its contact's fields. */
interface BaseRaw {
  id: string;
  sort_at: number;
  row: string;
  contact_name: string | null;
  contact_phone: string | null;
}

/**
 * A conversation without pending patches in the UI shape. Its effective values are the server's,
 * and the applier writes the filter columns and `row` from the same server row in one statement,
 * so the row alone is the answer (no column copies, no second object): only the contact's current
 * name and number (from `contacts`) go on top.
 */
function baseToInbox(r: BaseRaw): InboxConversation {
  const c = JSON.parse(r.row) as InboxConversation;
  if (r.contact_name !== null) c.contact.name = r.contact_name;
  if (r.contact_phone !== null) c.contact.phone = r.contact_phone;
  c.hasPendingChanges = false;
  return c;
}

/**
 * The "Waiting longest" sort key of a conversation row: written exactly as the replica's
 * `conversations_*_wait_idx` indexes write it (schema/replica.ts), or SQLite will not use them.
 */
export const waitKey = (alias: string) => `${alias}.row ->> '$.waitingSince'`;

/** `w|<waitingSince>|<id>`: the "Waiting longest" keyset position, opaque to the UI. */
const encodeWaitCursor = (wait: string, id: string): string => `w|${wait}|${id}`;
const decodeWaitCursor = (c: string): { wait: string; id: string } | null => {
  const [tag, wait, id] = c.split('|');
  return tag === 'w' && wait && id ? { wait, id } : null;
};

/** `sortAt:id`, opaque to the UI. */
const encodeCursor = (sortAt: number, id: string): string => `${sortAt}:${id}`;
const decodeCursor = (c: string): { sortAt: number; id: string } | null => {
  const i = c.indexOf(':');
  const sortAt = Number(c.slice(0, i));
  return i > 0 && Number.isFinite(sortAt) ? { sortAt, id: c.slice(i + 1) } : null;
};

type ListInput = Parsed<'conversations:list'>;

/** Builds the inbox queries over an open replica; `me` is the signed-in user's id. */
export function createInboxQueries(db: Database.Database, me: () => string, drafts: Drafts) {
  const cache = new Map<string, Database.Statement>();
  const paramNames = new WeakMap<Database.Statement, string[]>();
  const prepared = (key: string, sql: () => string): Database.Statement => {
    let st = cache.get(key);
    if (!st) {
      st = db.prepare(sql());
      cache.set(key, st);
    }
    return st;
  };

  const viewWhere = (alias: string, view: InboxView): string => {
    switch (view) {
      case 'mine':
        return `${alias}.assignee_id = @me`;
      case 'unassigned':
        return `${alias}.assignee_id IS NULL`;
      case 'team':
        return `${alias}.team_id = @teamId`;
      case 'all':
        return '1';
    }
  };

  const filters = (alias: string, i: ListInput, hasContact: boolean, hasMessage: boolean): string[] => {
    const w = [`${alias}.status = @tab`, viewWhere(alias, i.view)];
    if (i.unread) w.push(`${alias}.unread_count > 0`);
    if (i.important) w.push(`${alias}.important = 1`);
    if (i.label) w.push(`EXISTS (SELECT 1 FROM json_each(${alias}.labels) WHERE value = @label)`);
    if (i.sort === 'waiting') {
      // Only customers waiting for a reply, longest first: waitingSince is an ISO instant in UTC
      // (the server's toISOString), so text order is time order. The view's wait index (partial:
      // waiting rows only) walks them in order, so a page reads its rows and no sort.
      w.push(`${waitKey(alias)} IS NOT NULL`);
      if (i.cursor) w.push(`(${waitKey(alias)}, ${alias}.id) > (@waitKey, @afterId)`);
    } else if (i.cursor) w.push(`(${alias}.sort_at, ${alias}.id) < (@sortAt, @afterId)`);
    const search: string[] = [];
    if (hasContact)
      search.push(`${alias}.contact_id IN (SELECT ct.id FROM contacts ct WHERE ct.rid IN
        (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @qc))`);
    if (hasMessage)
      search.push(`${alias}.id IN (SELECT m.conversation_id FROM messages m WHERE m.rid IN
        (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @qm))`);
    if (search.length) w.push(`(${search.join(' OR ')})`);
    return w;
  };

  const pendingIds = `(SELECT entity_id FROM pending_patches WHERE entity = 'conversation')`;
  const contactCols = `(SELECT json_extract(ct.row, '$.name') FROM contacts ct WHERE ct.id = x.contact_id) AS contact_name,
    (SELECT json_extract(ct.row, '$.phone') FROM contacts ct WHERE ct.id = x.contact_id) AS contact_phone`;

  const s = {
    counts: db.prepare('SELECT status, total, unread, important FROM inbox_counts WHERE bucket = ?'),
    anyPendingConversation: db
      .prepare(`SELECT 1 FROM pending_patches WHERE entity = 'conversation' LIMIT 1`)
      .pluck(),
    patchedBoth: db.prepare(
      `SELECT c.status AS b_status, c.assignee_id AS b_assignee, c.team_id AS b_team, c.unread_count AS b_unread,
         c.important AS b_important, v.status, v.assignee_id, v.team_id, v.unread_count, v.important
       FROM conversations c JOIN v_conversations v ON v.id = c.id WHERE c.id IN ${pendingIds}`,
    ),
    convGet: db.prepare(
      `SELECT ${COLS}, has_pending, contact_id, ${contactCols} FROM v_conversations x WHERE x.id = ?`,
    ),
    contactGet: db.prepare('SELECT row FROM contacts WHERE id = ?').pluck(),
    contactPatches: db.prepare(
      `SELECT field, value FROM pending_patches WHERE entity = 'contact' AND entity_id = ? ORDER BY mutation_id`,
    ),
    hasConversation: db.prepare('SELECT 1 FROM conversations WHERE id = ?').pluck(),
  };

  const bucketOf = (view: InboxView, teamId: string | undefined): string =>
    view === 'all' ? 'all' : view === 'unassigned' ? 'u' : view === 'mine' ? `a:${me()}` : `t:${teamId}`;

  const inBucket = (bucket: string, r: { assignee: string | null; team: string | null }): boolean =>
    bucket === 'all' ||
    (bucket === 'u' && r.assignee === null) ||
    (bucket.startsWith('a:') && r.assignee === bucket.slice(2)) ||
    (bucket.startsWith('t:') && r.team === bucket.slice(2));

  /** A contact with its pending field patches applied, or null. */
  const contact = (id: string): Contact | null => {
    const raw = s.contactGet.get(id) as string | undefined;
    if (!raw) return null;
    const c = JSON.parse(raw) as Contact;
    for (const p of s.contactPatches.all(id) as { field: string; value: string }[])
      (c as Record<string, unknown>)[p.field] = JSON.parse(p.value) as unknown;
    return c;
  };

  return {
    /** A keyset page of the inbox. */
    listConversations(i: ListInput): ConversationPage {
      const qc = i.q ? contactMatch(i.q) : null;
      const qm = i.q ? messageMatch(i.q) : null;
      if (i.q && !qc && !qm) return { items: [], nextCursor: null };
      const waiting = i.sort === 'waiting';
      const after = i.cursor && !waiting ? decodeCursor(i.cursor) : null;
      const afterWait = i.cursor && waiting ? decodeWaitCursor(i.cursor) : null;
      if (i.cursor && !after && !afterWait) return { items: [], nextCursor: null };
      // Conversations with pending patches are few and often none: then the overlay arm and the
      // exclusion of its ids from the base arm are skipped (one indexed probe decides).
      const overlays = s.anyPendingConversation.get() !== undefined;
      const key = [
        i.view,
        !!i.unread,
        !!i.important,
        !!i.label,
        !!i.cursor,
        !!qc,
        !!qm,
        overlays,
        i.sort,
      ].join('|');
      const order = (a: string) =>
        waiting ? `${waitKey(a)} ASC, ${a}.id ASC` : `${a}.sort_at DESC, ${a}.id DESC`;
      const base = prepared(`base|${key}`, () => {
        const w = filters('c', i, !!qc, !!qm);
        if (overlays) w.push(`c.id NOT IN ${pendingIds}`);
        // The contact by one join (not a lookup per field); the left side drives the index walk.
        return `SELECT c.id, c.sort_at, ${waitKey('c')} AS wait_key, c.row,
            json_extract(cc.row, '$.name') AS contact_name, json_extract(cc.row, '$.phone') AS contact_phone
          FROM conversations c LEFT JOIN contacts cc ON cc.id = c.contact_id
          WHERE ${w.join(' AND ')}
          ORDER BY ${order('c')} LIMIT @limit`;
      });
      const over = overlays
        ? prepared(`over|${key}`, () => {
            const w = filters('v', i, !!qc, !!qm);
            return `SELECT ${COLS}, ${waitKey('x')} AS wait_key, 1 AS has_pending, ${contactCols}
          FROM (SELECT v.* FROM v_conversations v WHERE v.id IN ${pendingIds} AND ${w.join(' AND ')}
                ORDER BY ${order('v')} LIMIT @limit) x`;
          })
        : null;
      const params: Record<string, unknown> = {
        tab: i.tab,
        limit: i.limit + 1,
        me: me(),
        teamId: i.teamId ?? null,
        label: i.label ?? null,
        sortAt: after?.sortAt ?? 0,
        waitKey: afterWait?.wait ?? '',
        afterId: after?.id ?? afterWait?.id ?? '',
        qc,
        qm,
      };
      // Only the parameters a statement names may be passed.
      // better-sqlite3 refuses named parameters a statement does not use.
      const pick = (st: Database.Statement) => {
        let names = paramNames.get(st);
        if (!names)
          paramNames.set(st, (names = [...new Set(st.source.match(/@\w+/g) ?? [])].map((n) => n.slice(1))));
        const out: Record<string, unknown> = {};
        for (const n of names) out[n] = params[n];
        return out;
      };
      const baseRows = base.all(pick(base)) as (BaseRaw & { wait_key: string | null })[];
      const cursorOf = (r: { sort_at: number; wait_key: string | null; id: string }) =>
        waiting ? encodeWaitCursor(r.wait_key ?? '', r.id) : encodeCursor(r.sort_at, r.id);
      if (!over) {
        // Already in keyset order: one statement, no merge.
        const last = baseRows[i.limit - 1];
        const page = baseRows.length > i.limit ? baseRows.slice(0, i.limit) : baseRows;
        return {
          items: page.map(baseToInbox),
          nextCursor: baseRows.length > i.limit && last ? cursorOf(last) : null,
        };
      }
      type Tagged = { sort_at: number; wait_key: string | null; id: string; item: () => InboxConversation };
      const byId = (a: Tagged, b: Tagged) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      const rows: Tagged[] = [
        ...baseRows.map((r) => ({ ...r, item: () => baseToInbox(r) })),
        ...(over.all(pick(over)) as (ConvRaw & { wait_key: string | null })[]).map((r) => ({
          sort_at: r.sort_at,
          wait_key: r.wait_key,
          id: r.id,
          item: () => toInbox(r),
        })),
      ].sort((a, b) =>
        waiting
          ? (a.wait_key ?? '').localeCompare(b.wait_key ?? '') || byId(a, b)
          : b.sort_at - a.sort_at || -byId(a, b),
      );
      const page = rows.slice(0, i.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => r.item()),
        nextCursor: rows.length > i.limit && last ? cursorOf(last) : null,
      };
    },

    /**
     * Tab counts of a view: the trigger-maintained base counts, adjusted for the (few)
     * conversations with pending patches: each one's server contribution out, its effective in.
     */
    counts(view: InboxView, teamId: string | undefined): InboxCounts {
      const bucket = bucketOf(view, teamId);
      const tabs = Object.fromEntries(
        STATUSES.map((st) => [st, { total: 0, unread: 0, important: 0 }]),
      ) as Record<ConversationStatus, TabCounts>;
      for (const r of s.counts.all(bucket) as ({ status: ConversationStatus } & TabCounts)[]) {
        const t = tabs[r.status];
        if (t) Object.assign(t, { total: r.total, unread: r.unread, important: r.important });
      }
      type P = {
        b_status: ConversationStatus;
        b_assignee: string | null;
        b_team: string | null;
        b_unread: number;
        b_important: number;
        status: ConversationStatus;
        assignee_id: string | null;
        team_id: string | null;
        unread_count: number;
        important: number;
      };
      const add = (st: ConversationStatus, unread: number, important: number, sign: 1 | -1) => {
        const t = tabs[st];
        if (!t) return;
        t.total += sign;
        t.unread += sign * (unread > 0 ? 1 : 0);
        t.important += sign * (important ? 1 : 0);
      };
      for (const p of s.patchedBoth.all() as P[]) {
        if (inBucket(bucket, { assignee: p.b_assignee, team: p.b_team }))
          add(p.b_status, p.b_unread, p.b_important, -1);
        if (inBucket(bucket, { assignee: p.assignee_id, team: p.team_id }))
          add(p.status, p.unread_count, p.important, 1);
      }
      return { view, teamId: teamId ?? null, tabs };
    },

    /** One conversation (effective values), its contact (patched) and its draft; null if absent. */
    conversation(id: string): ConversationDetail | null {
      const r = s.convGet.get(id) as (ConvRaw & { contact_id: string }) | undefined;
      if (!r) return null;
      return {
        conversation: toInbox(r),
        contact: contact(r.contact_id),
        draft: drafts.draft(id),
      };
    },

    contact,
    /** True when the replica holds this conversation. */
    hasConversation: (id: string): boolean => s.hasConversation.get(id) !== undefined,
  };
}
