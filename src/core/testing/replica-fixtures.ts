import Database from 'better-sqlite3';
import type { Contact } from '#contract/api/contacts';
import type { Note } from '#contract/api/notes';
import type { ConversationRow, MessageRow, PutEntry } from '#contract/sync/protocol';
import { resolveMigrationsDir } from '../db/migrate';
import { openReplicaDb } from '../db/open-db';

/**
 * Test helpers over real, migrated in-memory replicas. Migrating once and copying the bytes
 * (`serialize` → `new Database(buffer)`) makes a fresh replica cost well under a millisecond,
 * which the simulation needs (thousands of clients per run).
 */

let template: Buffer | null = null;

/** A fresh in-memory replica with every migration applied. */
export function memoryReplica(): Database.Database {
  if (!template) {
    const r = openReplicaDb(':memory:', resolveMigrationsDir({}));
    template = r.sqlite.serialize();
    r.close();
  }
  const db = new Database(template);
  db.pragma('foreign_keys = ON');
  return db;
}

/** A copy of a database (a "restart from the same file" in memory). */
export function copyReplica(db: Database.Database): Database.Database {
  const copy = new Database(db.serialize());
  copy.pragma('foreign_keys = ON');
  return copy;
}

/** Deterministic UUIDs for tests: `uuid(7)` → `…-000000000007`. */
export const uuid = (n: number, prefix = '0190a4b2-0000-7000-8000'): string =>
  `${prefix}-${n.toString(16).padStart(12, '0')}`;

/** Every replica table as sorted rows, for before/after comparisons. */
export function dumpReplica(db: Database.Database): Record<string, unknown[]> {
  const tables = db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
       AND name NOT LIKE '%_fts%' AND name != '__drizzle_migrations' ORDER BY name`,
    )
    .pluck()
    .all() as string[];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
}

const iso = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

/** A conversation row with overrides. */
export function conversationRow(id: string, over: Partial<ConversationRow> = {}): ConversationRow {
  return {
    id,
    status: 'open',
    snoozedUntil: null,
    contact: { id: uuid(900_000 + parseInt(id.slice(-6), 16)), name: 'Customer', phone: null, waId: null },
    whatsappAccountId: uuid(1, '0190a4b2-0000-7000-9000'),
    assigneeId: null,
    teamId: null,
    important: false,
    labels: [],
    unreadCount: 0,
    lastMessageAt: iso(parseInt(id.slice(-6), 16) * 1000),
    lastMessage: null,
    windowExpiresAt: null,
    waitingSince: null,
    createdAt: iso(0),
    updatedAt: iso(0),
    readUpToConvSeq: 0,
    lastConvSeq: 0,
    ...over,
  };
}

/** A contact row. */
export function contactRow(id: string, over: Partial<Contact> = {}): Contact {
  return {
    id,
    name: 'Customer',
    profileName: null,
    phone: null,
    waId: null,
    userId: null,
    username: null,
    tags: [],
    optedOut: false,
    customAttributes: {},
    createdAt: iso(0),
    updatedAt: iso(0),
    ...over,
  };
}

/** A message row. */
export function messageRow(
  id: string,
  conversationId: string,
  convSeq: number,
  over: Partial<MessageRow> = {},
): MessageRow {
  return {
    id,
    conversationId,
    convSeq,
    direction: 'inbound',
    type: 'text',
    text: `message ${convSeq}`,
    status: 'delivered',
    createdAt: iso(convSeq * 1000),
    ...over,
  };
}

/** A note row. */
export function noteRow(id: string, conversationId: string, body = 'a note'): Note {
  return { id, conversationId, authorId: uuid(1, '0190a4b2-0000-7000-a000'), body, createdAt: iso(5) };
}

/** Put entries. */
export const put = {
  conversation: (row: ConversationRow, v: number, scope: string[] = ['role']): PutEntry => ({
    e: 'conversation',
    id: row.id,
    v,
    op: 'put',
    row,
    scope,
  }),
  message: (row: MessageRow, v: number): PutEntry => ({ e: 'message', id: row.id, v, op: 'put', row }),
  contact: (row: Contact, v: number): PutEntry => ({ e: 'contact', id: row.id, v, op: 'put', row }),
  note: (row: Note, v: number): PutEntry => ({ e: 'note', id: row.id, v, op: 'put', row }),
};
