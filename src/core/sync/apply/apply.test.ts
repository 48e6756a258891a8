import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeEntry, PutEntry } from '#contract/sync/protocol';
import {
  conversationRow,
  contactRow,
  dumpReplica,
  memoryReplica,
  messageRow,
  noteRow,
  put,
  uuid,
} from '../../testing/replica-fixtures';
import { createApplier, emptySummary, type ApplySource } from './apply';
import { REASSIGNED_ERROR } from './scope';

let db: Database.Database;
let applier: ReturnType<typeof createApplier>;
const log: ApplySource = { kind: 'log' };

const apply = (entries: ChangeEntry[], source: ApplySource = log) => {
  const sum = emptySummary();
  db.transaction(() => applier.applyEntries(entries, source, sum))();
  return sum;
};
const count = (table: string, where = '1') =>
  db.prepare(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck().get();
const status = (id: string) => db.prepare('SELECT status FROM conversations WHERE id = ?').pluck().get(id);

const C = uuid(1);
const team = uuid(50);

beforeEach(() => {
  db = memoryReplica();
  applier = createApplier(db);
});
afterEach(() => db.close());

describe('version-guarded puts', () => {
  it('apply a newer version, ignore an older or equal one', () => {
    apply([put.conversation(conversationRow(C, { status: 'open' }), 10)]);
    apply([put.conversation(conversationRow(C, { status: 'resolved' }), 9)]);
    expect(status(C)).toBe('open');
    apply([put.conversation(conversationRow(C, { status: 'resolved' }), 10)]);
    expect(status(C)).toBe('open');
    apply([put.conversation(conversationRow(C, { status: 'pending' }), 11)]);
    expect(status(C)).toBe('pending');
  });

  it('are idempotent and order-insensitive: any interleaving with duplicates gives the same replica', () => {
    const entries: PutEntry[] = [];
    for (let v = 1; v <= 6; v++) {
      entries.push(put.conversation(conversationRow(C, { unreadCount: v, lastConvSeq: v }), v * 10));
      entries.push(put.message(messageRow(uuid(100 + v), C, v), v * 10 + 1));
      entries.push(put.message(messageRow(uuid(100 + v), C, v, { status: 'read' }), v * 10 + 2));
    }
    const reference = memoryReplica();
    const refApplier = createApplier(reference);
    reference.transaction(() => refApplier.applyEntries(entries, log, emptySummary()))();
    // Server truth only: `rid` is a local rowid and `history_floor` is local knowledge of
    // contiguity (conservative: a different order may simply know less).
    const truth = (d: Database.Database) => {
      const { history_floor: _floor, ...rest } = dumpReplica(d);
      return Object.fromEntries(
        Object.entries(rest).map(([t, rows]) => [
          t,
          rows.map((r) => JSON.stringify(r, (k, v: unknown) => (k === 'rid' ? undefined : v))).sort(),
        ]),
      );
    };
    const expected = truth(reference);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(entries, { minLength: entries.length }),
        fc.array(fc.nat(entries.length - 1)),
        (order, dups) => {
          const d = memoryReplica();
          const a = createApplier(d);
          const batch = [...order, ...dups.map((i) => entries[i]!)];
          for (const e of batch) d.transaction(() => a.applyEntries([e], log, emptySummary()))();
          expect(truth(d)).toEqual(expected);
          d.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('tombstones', () => {
  it('a delete blocks an older put of the same row, and a message delete takes its reactions', () => {
    const M = uuid(2);
    apply([put.conversation(conversationRow(C), 5), put.message(messageRow(M, C, 1), 6)]);
    apply([{ e: 'message', id: M, v: 8, op: 'del' }]);
    apply([put.message(messageRow(M, C, 1, { status: 'read' }), 7)]);
    expect(count('messages')).toBe(0);
    expect(count('tombstones', `entity = 'message'`)).toBe(1);
  });

  it('a conversation delete takes its messages, notes and floor, and its contact when unreferenced', () => {
    const row = conversationRow(C);
    apply([
      put.conversation(row, 5),
      put.contact(contactRow(row.contact.id), 5),
      put.message(messageRow(uuid(2), C, 1), 6),
      put.note(noteRow(uuid(3), C), 7),
    ]);
    applier.lowerFloor(C, 1);
    apply([{ e: 'conversation', id: C, v: 9, op: 'del' }]);
    for (const t of ['conversations', 'messages', 'notes', 'contacts', 'history_floor'])
      expect(count(t), t).toBe(0);
  });
});

describe('revoke and grant', () => {
  const setup = () => {
    const row = conversationRow(C, { assigneeId: uuid(60) });
    apply([
      put.conversation(row, 5, ['assignee']),
      put.contact(contactRow(row.contact.id), 5),
      put.message(messageRow(uuid(2), C, 1), 6),
      put.note(noteRow(uuid(3), C), 7),
    ]);
    db.prepare(
      `INSERT INTO pending_messages (id, mutation_id, conversation_id, kind, row, state, created_at)
       VALUES (?, 1, ?, 'message', '{}', 'pending', 0)`,
    ).run(uuid(4), C);
    db.prepare(
      `INSERT INTO outbox (mutation_id, name, args, created_at, mutator_version, status, attempts, conversation_id)
       VALUES (1, 'message.send', '{}', 'x', 1, 'pending', 0, ?)`,
    ).run(C);
    return row;
  };

  it('revoke deletes the conversation and its rows, keeps the outbox, fails the pending rows visibly', () => {
    setup();
    const sum = apply([{ e: 'conversation', id: C, v: 10, op: 'revoke', reassignedTo: uuid(61) }]);
    for (const t of ['conversations', 'messages', 'notes', 'contacts']) expect(count(t), t).toBe(0);
    expect(count('outbox')).toBe(1);
    expect(db.prepare('SELECT state, error FROM pending_messages').get()).toEqual({
      state: 'failed',
      error: JSON.stringify(REASSIGNED_ERROR),
    });
    expect(sum.revoked).toEqual([
      { conversationId: C, reason: 'reassigned', reassignedTo: uuid(61), pendingCount: 1 },
    ]);
  });

  it('a revoke of a conversation never held sweeps a contact that came for it through the log', () => {
    // A partial bootstrap was owed when the scope came and went: the contact edit arrived, the
    // conversation never did, and the revoke cannot name the contact.
    const row = setup();
    const D = uuid(2);
    const theirs = contactRow(uuid(900_500));
    const sum = apply([put.contact(theirs, 11), { e: 'conversation', id: D, v: 12, op: 'revoke' }]);
    expect(count('contacts', `id = '${theirs.id}'`)).toBe(0);
    expect(count('contacts', `id = '${row.contact.id}'`)).toBe(1);
    expect(sum.tables.has('contacts')).toBe(true);
  });

  it('a snapshot read before the revoke cannot bring the conversation back; a later grant can', () => {
    const row = setup();
    apply([{ e: 'conversation', id: C, v: 10, op: 'revoke' }]);
    apply([put.message(messageRow(uuid(2), C, 1), 6), put.conversation(row, 5)], {
      kind: 'snapshot',
      snapshotSeq: 9,
    });
    expect(count('messages')).toBe(0);
    expect(count('conversations')).toBe(0);
    expect(applier.isRevokedAfter(C, 9)).toBe(true);
    const sum = apply([
      {
        e: 'conversation',
        id: C,
        v: 20,
        op: 'grant',
        row,
        rowVersion: 20,
        scope: ['assignee'],
        related: [put.contact(contactRow(row.contact.id), 20), put.message(messageRow(uuid(2), C, 1), 6)],
        floorConvSeq: 1,
      },
    ]);
    expect(count('conversations')).toBe(1);
    expect(count('messages')).toBe(1);
    expect(applier.floor(C)).toBe(1);
    expect(sum.needHistory).toEqual([]);
    expect(applier.isRevokedAfter(C, 9)).toBe(false);
  });

  it('a grant without inlined rows asks for the history page (pointer)', () => {
    const sum = apply([
      {
        e: 'conversation',
        id: C,
        v: 3,
        op: 'grant',
        row: conversationRow(C),
        rowVersion: 2,
        scope: ['assignee'],
      },
    ]);
    expect(sum.needHistory).toEqual([C]);
  });

  it('group_leave drops what has no recorded reason left, and owes the server a re-check of it', () => {
    const other = uuid(7);
    apply([
      put.conversation(conversationRow(C, { teamId: team }), 5, [`team:${team}`]),
      put.conversation(conversationRow(other, { teamId: team }), 5, [`team:${team}`, 'assignee']),
      put.message(messageRow(uuid(8), C, 1), 6),
    ]);
    const sum = apply([
      { e: 'group', id: team, v: 9, op: 'group_leave', group: `team:${team}` },
      // The server's own revoke (the contract) arrives in the same page: nothing more to do.
      { e: 'conversation', id: C, v: 10, op: 'revoke', reassignedTo: null, reason: 'scope' },
    ]);
    expect(count('conversations')).toBe(1);
    expect(count('messages')).toBe(0);
    expect(db.prepare('SELECT _scope FROM conversations').pluck().get()).toBe('["assignee"]');
    expect(sum.revoked.map((r) => [r.conversationId, r.reason])).toEqual([
      [C, 'scope'],
      [C, 'scope'],
    ]);
    expect(sum.rechecks).toEqual([C]);
    expect(db.prepare('SELECT rechecks FROM sync_state').pluck().get()).toBe(`["${C}"]`);
    // …and a stale snapshot cannot restore it.
    expect(applier.isRevokedAfter(C, 9)).toBe(true);
  });

  it('group_join records the owed partial bootstrap in the same transaction', () => {
    const sum = apply([{ e: 'group', id: team, v: 9, op: 'group_join', group: `team_all:${team}` }]);
    expect(sum.groupJoins).toEqual([`team_all:${team}`]);
    expect(db.prepare('SELECT pending_groups FROM sync_state').pluck().get()).toBe(`["team_all:${team}"]`);
  });
});

describe('history floors from the log', () => {
  it('a new conversation with no messages, or with all of them in the batch, has a complete history', () => {
    apply([put.conversation(conversationRow(C, { lastConvSeq: 0 }), 3)]);
    expect(applier.floor(C)).toBe(1);
    const D = uuid(9);
    apply([
      put.conversation(conversationRow(D, { lastConvSeq: 2 }), 4),
      put.message(messageRow(uuid(10), D, 1), 4),
      put.message(messageRow(uuid(11), D, 2), 4),
    ]);
    expect(applier.floor(D)).toBe(1);
    const E = uuid(12);
    apply([
      put.conversation(conversationRow(E, { lastConvSeq: 5 }), 5),
      put.message(messageRow(uuid(13), E, 5), 5),
    ]);
    expect(applier.floor(E)).toBeNull();
  });
});

describe('inbox counts', () => {
  const recount = () =>
    db
      .prepare(
        `SELECT bucket, status, count(*) AS total, sum(unread_count > 0) AS unread, sum(important) AS important FROM (
           SELECT 'all' AS bucket, * FROM conversations
           UNION ALL SELECT CASE WHEN assignee_id IS NULL THEN 'u' ELSE 'a:' || assignee_id END, * FROM conversations
           UNION ALL SELECT 't:' || team_id, * FROM conversations WHERE team_id IS NOT NULL)
         GROUP BY bucket, status ORDER BY bucket, status`,
      )
      .all();
  const stored = () =>
    db
      .prepare(
        'SELECT bucket, status, total, unread, important FROM inbox_counts WHERE total > 0 ORDER BY bucket, status',
      )
      .all();

  it('stay equal to a recount through any sequence of puts, deletes, revokes and scope changes', () => {
    const ids = [1, 2, 3, 4].map((n) => uuid(n));
    const people = [null, uuid(70), uuid(71)];
    const teams = [null, uuid(80)];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('put' as const),
        id: fc.constantFrom(...ids),
        status: fc.constantFrom('open', 'pending', 'snoozed', 'resolved' as const),
        assignee: fc.constantFrom(...people),
        team: fc.constantFrom(...teams),
        unread: fc.nat(3),
        important: fc.boolean(),
      }),
      fc.record({ kind: fc.constantFrom('del' as const, 'revoke' as const), id: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('leave' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        db.exec('DELETE FROM conversations; DELETE FROM inbox_counts; DELETE FROM tombstones');
        let v = 0;
        for (const o of ops) {
          v += 1;
          if (o.kind === 'put')
            apply([
              put.conversation(
                conversationRow(o.id, {
                  status: o.status,
                  assigneeId: o.assignee,
                  teamId: o.team,
                  unreadCount: o.unread,
                  important: o.important,
                }),
                v,
                o.team ? [`team:${o.team}`] : ['role'],
              ),
            ]);
          else if (o.kind === 'leave')
            apply([{ e: 'group', id: uuid(80), v, op: 'group_leave', group: `team:${uuid(80)}` }]);
          else
            apply([
              o.kind === 'del'
                ? { e: 'conversation', id: o.id, v, op: 'del' }
                : { e: 'conversation', id: o.id, v, op: 'revoke' },
            ]);
          expect(stored()).toEqual(recount());
        }
      }),
      { numRuns: 60 },
    );
  });
});
