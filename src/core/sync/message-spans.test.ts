import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReplicaChanged } from '#contract/ipc/contract';
import type { ChangeEntry, ReactionRow } from '#contract/sync/protocol';
import {
  conversationRow,
  contactRow,
  memoryReplica,
  messageRow,
  put,
  uuid,
} from '../testing/replica-fixtures';
import { createApplier, emptySummary, type ApplySource } from './apply/apply';
import { replicaChanged, widenSpan, type MessageSpans } from './message-spans';

let db: Database.Database;
let applier: ReturnType<typeof createApplier>;
const log: ApplySource = { kind: 'log' };

const apply = (entries: ChangeEntry[], source: ApplySource = log) => {
  const sum = emptySummary();
  db.transaction(() => applier.applyEntries(entries, source, sum))();
  return sum;
};
/** The event an apply announces, checked against the contract as hosts check it. */
const announced = (entries: ChangeEntry[], source: ApplySource = log) =>
  ReplicaChanged.parse(replicaChanged(apply(entries, source)));

const A = uuid(1);
const B = uuid(2);
const msg = (n: number, conversation = A) => uuid(100 + n + (conversation === B ? 500 : 0));
const reaction = (n: number, messageId: string): ReactionRow => ({
  id: uuid(900 + n),
  conversationId: A,
  messageId,
  by: 'customer',
  emoji: '👍',
  at: '2026-03-01T10:00:00.000Z',
});

beforeEach(() => {
  db = memoryReplica();
  applier = createApplier(db);
  apply([
    put.contact(contactRow(uuid(40)), 1),
    put.conversation(
      conversationRow(A, { lastConvSeq: 0, contact: { id: uuid(40), name: null, phone: null, waId: null } }),
      2,
    ),
    put.conversation(
      conversationRow(B, { lastConvSeq: 0, contact: { id: uuid(40), name: null, phone: null, waId: null } }),
      3,
    ),
  ]);
});
afterEach(() => db.close());

describe('message spans in replica:changed', () => {
  it('give each conversation the convSeq range of the messages a live batch wrote', () => {
    const c = announced([
      put.message(messageRow(msg(7), A, 7), 10),
      put.message(messageRow(msg(5), A, 5), 11),
      put.message(messageRow(msg(3, B), B, 3), 12),
    ]);
    expect(c.messageSpans).toEqual([
      { conversationId: A, fromConvSeq: 5, toConvSeq: 7 },
      { conversationId: B, fromConvSeq: 3, toConvSeq: 3 },
    ]);
  });

  it('count a status update at its message, and say nothing for a put the version guard refused', () => {
    apply([put.message(messageRow(msg(4), A, 4), 10)]);
    expect(announced([put.message(messageRow(msg(4), A, 4, { status: 'read' }), 11)]).messageSpans).toEqual([
      { conversationId: A, fromConvSeq: 4, toConvSeq: 4 },
    ]);
    expect(replicaChanged(apply([put.message(messageRow(msg(4), A, 4), 11)]))).toBeNull();
  });

  it('count a reaction, and its removal, at the message it is on', () => {
    apply([put.message(messageRow(msg(2), A, 2), 10), put.message(messageRow(msg(9), A, 9), 11)]);
    const r = reaction(1, msg(2));
    expect(announced([{ e: 'reaction', id: r.id, v: 12, op: 'put', row: r }]).messageSpans).toEqual([
      { conversationId: A, fromConvSeq: 2, toConvSeq: 2 },
    ]);
    expect(announced([{ e: 'reaction', id: r.id, v: 13, op: 'del' }]).messageSpans).toEqual([
      { conversationId: A, fromConvSeq: 2, toConvSeq: 2 },
    ]);
  });

  it('count a deleted message where it was', () => {
    apply([put.message(messageRow(msg(6), A, 6), 10)]);
    const c = announced([{ e: 'message', id: msg(6), v: 11, op: 'del' }]);
    expect(c.tables).toContain('messages');
    expect(c.messageSpans).toEqual([{ conversationId: A, fromConvSeq: 6, toConvSeq: 6 }]);
  });

  it('leave out what a range cannot say: history pages, revokes, a reaction to a message not held', () => {
    const history = announced([put.message(messageRow(msg(1), A, 1), 10)], {
      kind: 'snapshot',
      snapshotSeq: 10,
    });
    expect(history.conversationIds).toEqual([A]);
    expect(history.messageSpans).toBeUndefined();

    const r = reaction(2, uuid(999));
    expect(announced([{ e: 'reaction', id: r.id, v: 12, op: 'put', row: r }]).messageSpans).toBeUndefined();

    // A message then a revoke of the same conversation in one batch: unknown wins.
    const revoked = announced([
      put.message(messageRow(msg(8), A, 8), 13),
      put.message(messageRow(msg(4, B), B, 4), 14),
      { e: 'conversation', id: A, v: 15, op: 'revoke' },
    ]);
    expect(revoked.conversationIds).toEqual(expect.arrayContaining([A, B]));
    expect(revoked.messageSpans).toEqual([{ conversationId: B, fromConvSeq: 4, toConvSeq: 4 }]);
  });

  it('widen, and stay unknown once unknown', () => {
    const spans: MessageSpans = new Map();
    widenSpan(spans, A, 5);
    widenSpan(spans, A, 2);
    expect(spans.get(A)).toEqual({ from: 2, to: 5 });
    widenSpan(spans, A, null);
    widenSpan(spans, A, 9);
    expect(spans.get(A)).toBeNull();
  });

  it('name no conversation past 200 (views re-read), and nothing for an empty summary', () => {
    const sum = emptySummary();
    sum.tables.add('messages');
    for (let i = 0; i < 201; i++) widenSpan(sum.messageSpans, uuid(2000 + i), 1);
    for (const id of sum.messageSpans.keys()) sum.conversationIds.add(id);
    expect(replicaChanged(sum)).toEqual({ tables: ['messages'] });
    expect(replicaChanged(emptySummary())).toBeNull();
  });
});
