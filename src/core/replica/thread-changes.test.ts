import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '#contract/api/auth';
import { ipc, type ThreadMessage } from '#contract/ipc/contract';
import { createCommands, type Commands } from '../commands/commands';
import { createOutboxStore } from '../outbox/outbox-store';
import { createApplier, emptySummary } from '../sync/apply/apply';
import {
  conversationRow,
  contactRow,
  memoryReplica,
  messageRow,
  put,
  uuid,
} from '../testing/replica-fixtures';
import { createReplicaQueries, type ReplicaQueries } from './queries';
import { createThreadChanges, type ThreadChangesReader } from './thread-changes';

const me: SessionUser = {
  id: uuid(77),
  email: 'me@example.test',
  name: 'Me',
  role: 'agent',
  organizationId: uuid(78),
  organizationName: 'Org',
};
const C = uuid(1);
const msg = (n: number) => uuid(100 + n);

let db: Database.Database;
let queries: ReplicaQueries;
let commands: Commands;
let changes: ThreadChangesReader;

const apply = (entries: Parameters<ReturnType<typeof createApplier>['applyEntries']>[0]) =>
  db.transaction(() => createApplier(db).applyEntries(entries, { kind: 'log' }, emptySummary()))();
const range = (fromConvSeq?: number, toConvSeq?: number) =>
  changes.read(ipc['messages:range'].input.parse({ conversationId: C, fromConvSeq, toConvSeq }));
const seqs = (items: ThreadMessage[]) => items.map((m) => m.convSeq);
/** The newest page as `messages:list` shows it. */
const page = () => queries.messages(C, undefined, 50).items;

beforeEach(() => {
  db = memoryReplica();
  queries = createReplicaQueries(db, () => me.id);
  let now = Date.UTC(2026, 0, 1);
  commands = createCommands({
    db,
    outbox: createOutboxStore(db),
    user: () => me,
    now: () => now++,
    changed: () => undefined,
  });
  changes = createThreadChanges(db, queries);
  const row = conversationRow(C, { lastConvSeq: 12 });
  // Messages 1–12 with a hole at 8 (held out of order, as a live replica may).
  apply([
    put.conversation(row, 1),
    put.contact(contactRow(row.contact.id), 1),
    ...[1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12].map((n) => put.message(messageRow(msg(n), C, n), 10 + n)),
  ]);
});
afterEach(() => db.close());

describe('messages:range', () => {
  it('reads exactly the server messages of the range, as the thread page shows them', () => {
    const r = range(5, 9);
    expect(seqs(r.items)).toEqual([5, 6, 7, 9]);
    const shown = page().filter((m) => m.convSeq >= 5 && m.convSeq <= 9);
    expect(r.items).toEqual(shown);
    expect(r.pending).toEqual([]);
    expect(r.pendingReaction).toBe(false);
    expect(seqs(range(12, 12).items)).toEqual([12]);
    expect(seqs(range(13, 20).items)).toEqual([]);
  });

  it('carries reactions on their message, as the page does', () => {
    apply([
      {
        e: 'reaction',
        id: uuid(901),
        v: 50,
        op: 'put',
        row: {
          id: uuid(901),
          conversationId: C,
          messageId: msg(6),
          by: 'customer',
          emoji: '🎉',
          at: '2026-01-01T00:00:00Z',
        },
      },
    ]);
    expect(range(6, 6).items[0]!.reactions).toEqual([
      { emoji: '🎉', by: 'customer', at: '2026-01-01T00:00:00Z' },
    ]);
  });

  it('ends with the pending tail, the same one the newest page ends with', () => {
    commands.sendMessage({ conversationId: C, message: { type: 'text', text: 'one' } });
    commands.sendMessage({ conversationId: C, message: { type: 'text', text: 'two' } });
    const r = range();
    expect(r.items).toEqual([]);
    expect(r.pending.map((m) => m.text)).toEqual(['one', 'two']);
    expect(r.pending).toEqual(page().filter((m) => m.pending));
    expect(r.pendingReaction).toBe(false);
  });

  it('says when a queued reaction of ours is here (it shows on its target, wherever that is)', () => {
    commands.sendMessage({
      conversationId: C,
      message: { type: 'reaction', messageId: msg(2), emoji: '👍' },
    });
    const r = range(12, 12);
    expect(r.pendingReaction).toBe(true);
    // Not a bubble of its own while queued.
    expect(r.pending).toEqual([]);
  });

  it('refuses half a range, a backward one and one past the limit, in a sentence', () => {
    const input = ipc['messages:range'].input;
    expect(input.safeParse({ conversationId: C, fromConvSeq: 3 }).success).toBe(false);
    expect(input.safeParse({ conversationId: C, fromConvSeq: 9, toConvSeq: 3 }).success).toBe(false);
    const far = input.safeParse({ conversationId: C, fromConvSeq: 1, toConvSeq: 5_000 });
    expect(far.success).toBe(false);
    expect(far.error?.issues[0]?.message).toMatch(/at most 1000 messages/);
  });
});
