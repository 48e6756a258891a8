import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptySummary } from '../sync/apply/apply';
import { memoryReplica, uuid } from '../testing/replica-fixtures';
import { createOutboxStore, type OutboxStore } from './outbox-store';

let db: Database.Database;
let outbox: OutboxStore;
const C = uuid(1);
const D = uuid(2);

beforeEach(() => {
  db = memoryReplica();
  outbox = createOutboxStore(db);
});
afterEach(() => db.close());

const enqueue = (conversationId: string | null) =>
  db.transaction(() =>
    outbox.enqueue('conversation.setImportant', { conversationId, important: true }, 'x', conversationId),
  )();

// replica:changed must name the conversations whose pending writes changed, or an open thread
// that filters by id misses a refusal that arrives with another conversation's changes.
describe('the outbox store names the conversations it touches', () => {
  it('on a refusal', () => {
    const a = enqueue(C);
    enqueue(D);
    const sum = emptySummary();
    db.transaction(() => outbox.applyResults([{ mid: a, status: 'rejected', seq: 5 }], 0, sum))();
    expect([...sum.conversationIds]).toEqual([C]);
    expect(sum.tables).toContain('pending_messages');
  });

  it('on a confirmation, and not for a write on no conversation', () => {
    const a = enqueue(C);
    const b = enqueue(null);
    const sum = emptySummary();
    db.transaction(() => {
      outbox.applyResults(
        [
          { mid: a, status: 'applied', seq: 7 },
          { mid: b, status: 'applied', seq: 7 },
        ],
        b,
        sum,
      );
      expect(outbox.confirm(7, sum)).toBe(2);
    })();
    expect([...sum.conversationIds]).toEqual([C]);
  });
});
