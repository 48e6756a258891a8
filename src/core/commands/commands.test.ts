import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '#contract/api/auth';
import { createOutboxStore, type OutboxStore } from '../outbox/outbox-store';
import { createReplicaQueries, type ReplicaQueries } from '../replica/queries';
import { createApplier, emptySummary } from '../sync/apply/apply';
import { conversationRow, contactRow, memoryReplica, put, uuid } from '../testing/replica-fixtures';
import { createCommands, type Commands } from './commands';

const me: SessionUser = {
  id: uuid(77),
  email: 'me@example.test',
  name: 'Me',
  role: 'agent',
  organizationId: uuid(78),
  organizationName: 'Org',
};
const C = uuid(1);

let db: Database.Database;
let outbox: OutboxStore;
let commands: Commands;
let queries: ReplicaQueries;
let user: SessionUser;
let now: number;

beforeEach(() => {
  db = memoryReplica();
  user = me;
  now = Date.UTC(2026, 0, 1);
  outbox = createOutboxStore(db);
  queries = createReplicaQueries(db, () => user.id);
  commands = createCommands({ db, outbox, user: () => user, now: () => now++, changed: () => undefined });
  const row = conversationRow(C, { lastConvSeq: 4, unreadCount: 2 });
  db.transaction(() =>
    createApplier(db).applyEntries(
      [put.conversation(row, 10), put.contact(contactRow(row.contact.id), 10)],
      { kind: 'log' },
      emptySummary(),
    ),
  )();
});
afterEach(() => db.close());

const view = () => queries.conversation(C)!.conversation;
const count = (t: string) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get();
const confirm = (cursor: number) =>
  db.transaction(() => {
    db.prepare('UPDATE sync_state SET cursor = ?').run(cursor);
    outbox.confirm(cursor, emptySummary());
  })();

describe('commands', () => {
  it('write the outbox row and the optimistic overlay together, in id order', () => {
    const a = commands.sendMessage({ conversationId: C, message: { type: 'text', text: 'hello' } });
    const b = commands.setStatus({ conversationId: C, status: 'resolved' });
    const c = commands.markRead({ conversationId: C, readUpToConvSeq: 4 });
    expect([a, b, c].map((r) => r.ok && r.value.mutationId)).toEqual([1, 2, 3]);
    expect(outbox.nextBatch(100).map((r) => r.name)).toEqual([
      'message.send',
      'conversation.setStatus',
      'conversation.markRead',
    ]);
    expect(view()).toMatchObject({
      status: 'resolved',
      unreadCount: 0,
      readUpToConvSeq: 4,
      hasPendingChanges: true,
    });
    const thread = queries.messages(C, undefined, 50).items;
    expect(thread).toHaveLength(1);
    expect(thread[0]).toMatchObject({
      text: 'hello',
      status: 'queued',
      pending: { state: 'queued', mutationId: 1 },
    });
  });

  it('mark unread: one per-user mutation whose overlay shows at least one unread', () => {
    commands.markRead({ conversationId: C, readUpToConvSeq: 4 });
    expect(view().unreadCount).toBe(0);
    const r = commands.markUnread({ conversationId: C });
    expect(r.ok && r.value.mutationId).toBe(2);
    expect(outbox.nextBatch(100).map((x) => [x.name, x.args])).toEqual([
      ['conversation.markRead', { conversationId: C, readUpToConvSeq: 4 }],
      ['conversation.markUnread', { conversationId: C }],
    ]);
    // The server row still says 2 unread (the team's count): the overlay keeps the larger.
    expect(view()).toMatchObject({ unreadCount: 2, hasPendingChanges: true });
    expect(
      queries.listConversations({ view: 'all', tab: 'open', unread: true, limit: 50 }).items.map((c) => c.id),
    ).toEqual([C]);
    expect(commands.markUnread({ conversationId: uuid(99) })).toMatchObject({ ok: false });
  });

  it('refuse what the server would refuse for sure, without queueing', () => {
    expect(commands.setStatus({ conversationId: uuid(99), status: 'open' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(commands.assign({ conversationId: C, assigneeId: null })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(count('outbox')).toBe(0);
  });

  it('confirm only when the server applied it AND the cursor reached its seq: no flicker', () => {
    commands.setStatus({ conversationId: C, status: 'resolved' });
    db.transaction(() => outbox.applyResults([{ mid: 1, status: 'applied', seq: 20 }], 1, emptySummary()))();
    // The server row is still the old one (cursor behind): the patch stays on top.
    confirm(15);
    expect(view().status).toBe('resolved');
    // The replica catches up to the commit: the server row carries the change, the patch goes.
    db.transaction(() =>
      createApplier(db).applyEntries(
        [put.conversation(conversationRow(C, { status: 'resolved' }), 20)],
        { kind: 'log' },
        emptySummary(),
      ),
    )();
    confirm(20);
    expect(view()).toMatchObject({ status: 'resolved', hasPendingChanges: false });
    expect(count('outbox')).toBe(0);
    expect(count('pending_patches')).toBe(0);
  });

  it('a rejected write shows the server value again, keeps message text as a failed item', () => {
    const send = commands.sendMessage({ conversationId: C, message: { type: 'text', text: 'late reply' } });
    commands.setImportant({ conversationId: C, important: true });
    expect(view().important).toBe(true);
    db.transaction(() =>
      outbox.applyResults(
        [
          { mid: 1, status: 'rejected', seq: 5, error: { code: 'window_closed', message: 'Window closed.' } },
          { mid: 2, status: 'rejected', seq: 5, error: { code: 'forbidden_scope', message: 'Reassigned.' } },
        ],
        2,
        emptySummary(),
      ),
    )();
    expect(view().important).toBe(false);
    const [msg] = queries.messages(C, undefined, 50).items;
    expect(msg).toMatchObject({
      text: 'late reply',
      pending: { state: 'failed', error: { code: 'window_closed' } },
    });
    const tray = commands.list(new Set());
    expect(tray.map((i) => [i.state, i.text, i.canRetry])).toEqual([
      // A closed window: Retry cannot help (the tray offers a template); the call still works.
      ['failed', 'late reply', false],
      // A lost scope can come back (the conversation handed back): Retry stays offered.
      ['failed', null, true],
    ]);
    // Retry: a new mutation with a NEW message id; the failed item goes.
    const retried = commands.retry(1);
    expect(retried.ok && retried.value.id).not.toBe(send.ok && send.value.id);
    expect(retried).toMatchObject({ ok: true, value: { mutationId: 3 } });
    expect(queries.messages(C, undefined, 50).items.map((m) => m.pending?.state)).toEqual(['queued']);
    // Discard the other failed one.
    expect(commands.discard(2, new Set())).toEqual({ ok: true, value: { discarded: true } });
    expect(outbox.all().map((r) => r.mutationId)).toEqual([3]);
  });

  it('discard a never-sent write, but not one the server may have got; ids are never reused', () => {
    commands.setLabels({ conversationId: C, labels: ['vip', 'vip'] });
    commands.setLabels({ conversationId: C, labels: ['b'] });
    outbox.markAttempt([2]);
    expect(commands.discard(2, new Set())).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(commands.discard(1, new Set([1]))).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(commands.discard(1, new Set())).toMatchObject({ ok: true });
    expect(view().labels).toEqual(['b']);
    const next = commands.setStatus({ conversationId: C, status: 'pending' });
    expect(next).toMatchObject({ ok: true, value: { mutationId: 3 } });
    expect(commands.retry(3)).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('managers assign; claims patch the assignee to me; notes and contact edits queue with overlays', () => {
    user = { ...me, role: 'manager' };
    expect(commands.assign({ conversationId: C, assigneeId: null, teamId: uuid(5) }).ok).toBe(true);
    expect(view()).toMatchObject({ assigneeId: null, teamId: uuid(5) });
    commands.claim({ conversationId: C });
    expect(view().assigneeId).toBe(me.id);
    const note = commands.addNote({ conversationId: C, body: 'call back tomorrow' });
    expect(queries.notes(C)).toMatchObject([{ body: 'call back tomorrow', pending: { state: 'queued' } }]);
    const contactId = conversationRow(C).contact.id;
    commands.updateContact({ contactId, patch: { name: 'Ana María', tags: ['vip'] } });
    expect(queries.contact(contactId)).toMatchObject({ name: 'Ana María', tags: ['vip'] });
    expect(note.ok && outbox.get(note.value.mutationId)?.args).toMatchObject({ body: 'call back tomorrow' });
  });
});
