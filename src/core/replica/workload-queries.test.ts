import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConversationStatus } from '#contract/domain/messaging';
import { QUEUE_PREVIEW } from '#contract/ipc/assignment';
import type { PutEntry } from '#contract/sync/protocol';
import { createApplier, emptySummary } from '../sync/apply/apply';
import { conversationRow, memoryReplica, put, uuid } from '../testing/replica-fixtures';
import { createReplicaQueries, type ReplicaQueries } from './queries';

// The workload view's counts and the "Waiting longest" sort over the replica, checked against
// brute force over a generated spread of statuses, assignees, teams and waits.

const ana = uuid(900);
const ben = uuid(901);
const team = uuid(902);
const STATUSES: ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];
const N = 600;
const T0 = Date.UTC(2026, 0, 1);

const rowOf = (i: number) =>
  conversationRow(uuid(i + 1), {
    status: STATUSES[i % 4]!,
    assigneeId: i % 3 === 0 ? null : i % 3 === 1 ? ana : ben,
    teamId: i % 5 === 0 ? team : null,
    waitingSince: i % 2 === 0 ? new Date(T0 + ((i * 7919) % N) * 60_000).toISOString() : null,
    contact: { id: uuid(100_000 + i), name: `Customer ${i}`, phone: null, waId: null },
  });
const rows = Array.from({ length: N }, (_, i) => rowOf(i));

let db: Database.Database;
let q: ReplicaQueries;
beforeAll(() => {
  db = memoryReplica();
  const entries: PutEntry[] = rows.map((r, i) => put.conversation(r, i + 1));
  db.transaction(() => createApplier(db).applyEntries(entries, { kind: 'log' }, emptySummary()))();
  q = createReplicaQueries(db, () => ana);
});
afterAll(() => db.close());

const active = (s: ConversationStatus) => s === 'open' || s === 'pending';
const minWait = (rs: typeof rows) =>
  rs
    .map((r) => r.waitingSince)
    .filter((w): w is string => w !== null)
    .sort()[0] ?? null;

describe('workload', () => {
  it('counts open and pending per assignee, with the oldest wait', () => {
    const w = q.workload();
    for (const who of [ana, ben]) {
      const mine = rows.filter((r) => r.assigneeId === who && active(r.status));
      const got = w.members.find((m) => m.userId === who)!;
      expect({ ...got, conversations: undefined }).toEqual({
        userId: who,
        open: mine.filter((r) => r.status === 'open').length,
        pending: mine.filter((r) => r.status === 'pending').length,
        oldestWaitingSince: minWait(mine),
        conversations: undefined,
      });
      // Each member's list: the longest waits first (no wait last), capped at the preview size,
      // with the conversation's team (who it may be reassigned to).
      const want = [...mine]
        .sort(
          (a, b) =>
            Number(a.waitingSince === null) - Number(b.waitingSince === null) ||
            (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''),
        )
        .slice(0, QUEUE_PREVIEW);
      expect(mine.length).toBeGreaterThan(QUEUE_PREVIEW);
      expect(got.conversations).toHaveLength(QUEUE_PREVIEW);
      expect(got.conversations.map((c) => c.waitingSince)).toEqual(want.map((r) => r.waitingSince));
      for (const c of got.conversations) {
        const r = rows.find((x) => x.id === c.id)!;
        expect(r.assigneeId).toBe(who);
        expect(c.teamId).toBe(r.teamId);
        expect(c.contactName).toBe(r.contact.name);
      }
    }
  });

  it('lists each team’s unassigned queue, longest wait first', () => {
    const w = q.workload();
    for (const t of [team, null]) {
      const queued = rows.filter((r) => r.assigneeId === null && r.teamId === t && active(r.status));
      const got = w.queues.find((x) => x.teamId === t)!;
      expect(got.unassigned).toBe(queued.length);
      expect(got.oldestWaitingSince).toBe(minWait(queued));
      const waits = got.conversations.map((c) => c.waitingSince).filter((x) => x !== null);
      expect(waits).toEqual([...waits].sort());
    }
  });
});

describe('Waiting longest', () => {
  it('pages through waiting customers only, longest first, without gaps or repeats', () => {
    const want = rows
      .filter((r) => r.status === 'open' && r.waitingSince !== null)
      .sort((a, b) => a.waitingSince!.localeCompare(b.waitingSince!) || (a.id < b.id ? -1 : 1))
      .map((r) => r.id);
    const got: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = q.listConversations({
        view: 'all',
        tab: 'open',
        limit: 17,
        sort: 'waiting',
        ...(cursor && { cursor }),
      });
      got.push(...page.items.map((c) => c.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(got).toEqual(want);
  });

  // The page is read in index order: SQLite walks the view's wait index (partial: waiting rows
  // only) instead of scanning the tab and sorting it in a temporary b-tree.
  it.each([
    ['all', 'conversations_status_wait_idx'],
    ['mine', 'conversations_assignee_wait_idx'],
    ['unassigned', 'conversations_assignee_wait_idx'],
    ['team', 'conversations_team_wait_idx'],
  ] as const)('the %s view walks %s, first and later pages', (view, index) => {
    for (const cursor of [undefined, `w|${new Date(T0).toISOString()}|${uuid(1)}`]) {
      const prepare = vi.spyOn(db, 'prepare');
      try {
        // A fresh instance prepares its statements (each instance caches its own).
        createReplicaQueries(db, () => ana).listConversations({
          view,
          tab: 'open',
          limit: 17,
          sort: 'waiting',
          teamId: team,
          ...(cursor && { cursor }),
        });
        const source = prepare.mock.calls
          .map(([sql]) => sql)
          .find((sql) => sql.includes('FROM conversations c LEFT JOIN'));
        expect(source, 'the page statement is prepared by this call').toBeDefined();
        const params = Object.fromEntries(
          [...new Set(source!.match(/@\w+/g))].map((n) => [n.slice(1), n === '@limit' ? 18 : 'x']),
        );
        prepare.mockRestore();
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${source}`).all(params) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n');
        expect(plan).toMatch(new RegExp(`SEARCH c USING INDEX ${index} `));
        expect(plan).not.toMatch(/TEMP B-TREE/);
      } finally {
        prepare.mockRestore();
      }
    }
  });
});
