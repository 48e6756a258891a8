import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationStatus } from '#contract/domain/messaging';
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
      expect(w.members.find((m) => m.userId === who)).toEqual({
        userId: who,
        open: mine.filter((r) => r.status === 'open').length,
        pending: mine.filter((r) => r.status === 'pending').length,
        oldestWaitingSince: minWait(mine),
      });
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
});
