import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '#contract/api/auth';
import type { ConversationStatus } from '#contract/domain/messaging';
import type { PutEntry } from '#contract/sync/protocol';
import { createCommands } from '../commands/commands';
import { createOutboxStore } from '../outbox/outbox-store';
import { createApplier, emptySummary } from '../sync/apply/apply';
import {
  contactRow,
  conversationRow,
  memoryReplica,
  messageRow,
  put,
  uuid,
} from '../testing/replica-fixtures';
import { createReplicaQueries, type ReplicaQueries } from './queries';

const me = uuid(900);
const other = uuid(901);
const team = uuid(902);
const user: SessionUser = {
  id: me,
  email: 'me@example.test',
  name: 'Me',
  role: 'agent',
  organizationId: uuid(903),
  organizationName: 'Org',
};
const STATUSES: ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];
const N = 20_000;

let db: Database.Database;
let q: ReplicaQueries;

/** Conversation i: a deterministic spread over statuses, assignees, teams, flags and labels. */
const rowOf = (i: number) =>
  conversationRow(uuid(i + 1), {
    status: STATUSES[i % 4]!,
    assigneeId: i % 3 === 0 ? null : i % 3 === 1 ? me : other,
    teamId: i % 5 === 0 ? team : null,
    unreadCount: i % 7 === 0 ? 2 : 0,
    important: i % 11 === 0,
    labels: i % 13 === 0 ? ['vip'] : [],
    lastMessageAt: new Date(Date.UTC(2026, 0, 1) + (i % 1000) * 60_000).toISOString(),
    contact: {
      id: uuid(100_000 + i),
      name: `Customer ${i}`,
      phone: `+1415555${String(i).padStart(4, '0')}`,
      waId: null,
    },
  });

beforeAll(() => {
  db = memoryReplica();
  const a = createApplier(db);
  const entries: PutEntry[] = [];
  for (let i = 0; i < N; i++) {
    const row = rowOf(i);
    entries.push(put.conversation(row, i + 1));
    entries.push(
      put.contact(contactRow(row.contact.id, { name: row.contact.name, phone: row.contact.phone }), i + 1),
    );
  }
  entries.push(put.message(messageRow(uuid(500_000), uuid(8), 1, { text: 'Where is my parcel?' }), N + 1));
  db.transaction(() => a.applyEntries(entries, { kind: 'log' }, emptySummary()))();
  q = createReplicaQueries(db, () => me);
  // 40k rows through the applier (triggers, FTS) take ~8 s on a loaded 2-core machine: more than
  // Vitest's default 10 s hook timeout leaves room for, and a timed-out hook skips every test.
}, 60_000);
afterAll(() => db.close());

/** The expected ids of a filter, by brute force over the generator, newest first. */
function expected(pred: (i: number) => boolean): string[] {
  const rows = Array.from({ length: N }, (_, i) => i)
    .filter(pred)
    .map(rowOf);
  return rows
    .sort((x, y) => Date.parse(y.lastMessageAt!) - Date.parse(x.lastMessageAt!) || (x.id < y.id ? 1 : -1))
    .map((r) => r.id);
}

/** Walks every page of a listing. */
function all(input: Parameters<ReplicaQueries['listConversations']>[0]): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = q.listConversations({ ...input, cursor });
    ids.push(...page.items.map((c) => c.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

const base = { limit: 200 } as const;

describe('inbox queries', () => {
  it('list views and tabs newest first, keyset-paged to the end', () => {
    expect(all({ ...base, view: 'mine', tab: 'open' })).toEqual(expected((i) => i % 4 === 0 && i % 3 === 1));
    expect(all({ ...base, view: 'unassigned', tab: 'pending' })).toEqual(
      expected((i) => i % 4 === 1 && i % 3 === 0),
    );
    expect(all({ ...base, view: 'team', teamId: team, tab: 'resolved' })).toEqual(
      expected((i) => i % 4 === 3 && i % 5 === 0),
    );
    expect(all({ ...base, view: 'all', tab: 'snoozed' })).toHaveLength(N / 4);
  });

  it('filter by unread, important and label, combined with a view', () => {
    expect(all({ ...base, view: 'all', tab: 'open', unread: true })).toEqual(
      expected((i) => i % 4 === 0 && i % 7 === 0),
    );
    expect(all({ ...base, view: 'mine', tab: 'open', important: true })).toEqual(
      expected((i) => i % 4 === 0 && i % 3 === 1 && i % 11 === 0),
    );
    expect(all({ ...base, view: 'all', tab: 'open', label: 'vip' })).toEqual(
      expected((i) => i % 4 === 0 && i % 13 === 0),
    );
  });

  it('search contact names and numbers (inside the digits) and message words', () => {
    const digits = (i: number) => `1415555${String(i).padStart(4, '0')}`;
    // Substring search: "Customer 1999" also finds "Customer 19996".
    expect(all({ ...base, view: 'all', tab: 'open', q: 'Customer 19996' })).toEqual([uuid(19997)]);
    expect(all({ ...base, view: 'all', tab: 'open', q: 'Customer 1999' })).toEqual(
      expected((i) => i % 4 === 0 && String(i).includes('1999')),
    );
    expect(all({ ...base, view: 'all', tab: 'pending', q: '5551237' })).toEqual(
      expected((i) => i % 4 === 1 && digits(i).includes('5551237')),
    );
    // Typed with punctuation, searched as digits.
    expect(all({ ...base, view: 'all', tab: 'pending', q: '+1 415-555-1237' })).toEqual(
      expected((i) => i % 4 === 1 && digits(i).includes('14155551237')),
    );
    expect(all({ ...base, view: 'all', tab: 'resolved', q: 'parc' })).toEqual([uuid(8)]);
    expect(q.listConversations({ view: 'all', tab: 'open', q: '"; DROP TABLE x', limit: 5 }).items).toEqual(
      [],
    );
  });

  it('stay fast at any depth: a deep page costs about what the first does', () => {
    const time = (cursor: string | undefined) => {
      const t = process.hrtime.bigint();
      for (let k = 0; k < 20; k++) q.listConversations({ view: 'all', tab: 'open', limit: 50, cursor });
      return Number(process.hrtime.bigint() - t) / 20 / 1e6;
    };
    let cursor: string | undefined;
    for (let p = 0; p < 90; p++)
      cursor = q.listConversations({ view: 'all', tab: 'open', limit: 50, cursor }).nextCursor!;
    const first = Math.min(time(undefined), time(undefined));
    const deep = Math.min(time(cursor), time(cursor));
    // Generous bound: this is a correctness guard (no OFFSET, an index walk), not a benchmark.
    expect(deep).toBeLessThan(Math.max(first * 3, 2));
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT c.* FROM conversations c WHERE c.status = 'open' AND (c.sort_at, c.id) < (1, 'x')
         ORDER BY c.sort_at DESC, c.id DESC LIMIT 51`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX conversations_status_sort_idx/);
  });

  it('show the contact’s current name and number, and the same rows with or without pending changes', () => {
    const first = () => q.listConversations({ view: 'all', tab: 'resolved', limit: 5 });
    const before = first();
    const c = before.items[0]!;
    expect(c).toMatchObject({ hasPendingChanges: false, contact: { name: expect.any(String) } });
    const a = createApplier(db);
    db.transaction(() =>
      a.applyEntries(
        [put.contact(contactRow(c.contact.id, { name: 'Renamed Customer', phone: '+14155550000' }), N + 10)],
        { kind: 'log' },
        emptySummary(),
      ),
    )();
    const after = first();
    expect(after.items[0]).toEqual({
      ...c,
      contact: { ...c.contact, name: 'Renamed Customer', phone: '+14155550000' },
    });
    expect(after.items.slice(1)).toEqual(before.items.slice(1));
    expect(after.nextCursor).toBe(before.nextCursor);
  });

  it('counts come from the maintained table and include this device’s pending changes', () => {
    const counts = q.counts('mine', undefined);
    expect(counts.tabs.open.total).toBe(expected((i) => i % 4 === 0 && i % 3 === 1).length);
    expect(counts.tabs.open.unread).toBe(expected((i) => i % 4 === 0 && i % 3 === 1 && i % 7 === 0).length);
    const commands = createCommands({
      db,
      outbox: createOutboxStore(db),
      user: () => user,
      now: () => 0,
      changed: () => undefined,
    });
    // Conversation 1 (index 0): open, unassigned, team, unread. Claim it and resolve it locally.
    commands.claim({ conversationId: uuid(1) });
    commands.setStatus({ conversationId: uuid(1), status: 'resolved' });
    const after = q.counts('mine', undefined);
    expect(after.tabs.open.total).toBe(counts.tabs.open.total);
    expect(after.tabs.resolved.total).toBe(counts.tabs.resolved.total + 1);
    expect(after.tabs.resolved.unread).toBe(counts.tabs.resolved.unread + 1);
    expect(q.counts('unassigned', undefined).tabs.open.total).toBe(
      expected((i) => i % 4 === 0 && i % 3 === 0).length - 1,
    );
    // The list agrees with the counts.
    expect(all({ ...base, view: 'mine', tab: 'resolved' })).toContain(uuid(1));
    expect(all({ ...base, view: 'unassigned', tab: 'open' })).not.toContain(uuid(1));
    const row = (() => {
      let cursor: string | undefined;
      for (;;) {
        const page = q.listConversations({ view: 'mine', tab: 'resolved', limit: 200, cursor });
        const hit = page.items.find((c) => c.id === uuid(1));
        if (hit || !page.nextCursor) return hit;
        cursor = page.nextCursor;
      }
    })();
    expect(row).toMatchObject({ status: 'resolved', assigneeId: me, hasPendingChanges: true });
  });
});
