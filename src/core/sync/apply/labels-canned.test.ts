import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CannedResponse } from '#contract/api/canned-responses';
import type { Label } from '#contract/api/labels';
import type { ChangeEntry } from '#contract/sync/protocol';
import { memoryReplica, uuid } from '../../testing/replica-fixtures';
import { createReplicaQueries } from '../../replica/queries';
import { createApplier, emptySummary } from './apply';

// Labels and canned responses in the replica: version-guarded puts, deletions with tombstones,
// and the directory reads the inbox filters, the label picker and the composer's "/" use.

let db: Database.Database;
let applier: ReturnType<typeof createApplier>;

const apply = (entries: ChangeEntry[]) => {
  const sum = emptySummary();
  db.transaction(() => applier.applyEntries(entries, { kind: 'log' }, sum))();
  return sum;
};
const label = (n: number, name: string, color: Label['color'] = 'blue'): Label => ({
  id: uuid(n),
  name,
  color,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const canned = (n: number, shortcut: string, over: Partial<CannedResponse> = {}): CannedResponse => ({
  id: uuid(n),
  scope: 'organization',
  ownerId: null,
  shortcut,
  title: shortcut,
  body: `Body of ${shortcut}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

beforeEach(() => {
  db = memoryReplica();
  applier = createApplier(db);
});
afterEach(() => db.close());

describe('labels in the replica', () => {
  it('upserts newer versions only, lists by name case-insensitively, and reports the table', () => {
    const q = createReplicaQueries(db, () => uuid(999));
    const sum = apply([
      { e: 'label', id: uuid(1), v: 5, op: 'put', row: label(1, 'vip', 'yellow') },
      { e: 'label', id: uuid(2), v: 6, op: 'put', row: label(2, 'Billing') },
    ]);
    expect(sum.tables).toContain('labels');
    // A rename arrives as a newer put; a stale one changes nothing.
    apply([{ e: 'label', id: uuid(1), v: 9, op: 'put', row: label(1, 'VIP gold', 'orange') }]);
    apply([{ e: 'label', id: uuid(1), v: 7, op: 'put', row: label(1, 'stale', 'red') }]);
    expect(q.labels().map((l) => [l.name, l.color])).toEqual([
      ['Billing', 'blue'],
      ['VIP gold', 'orange'],
    ]);
  });

  it('deletes on del and keeps a tombstone so an older put cannot bring it back', () => {
    const q = createReplicaQueries(db, () => uuid(999));
    apply([{ e: 'label', id: uuid(1), v: 5, op: 'put', row: label(1, 'vip') }]);
    apply([{ e: 'label', id: uuid(1), v: 8, op: 'del' }]);
    expect(q.labels()).toEqual([]);
    apply([{ e: 'label', id: uuid(1), v: 6, op: 'put', row: label(1, 'vip') }]);
    expect(q.labels()).toEqual([]);
  });
});

describe('canned responses in the replica', () => {
  it('keeps them by shortcut, updates and deletes them', () => {
    const q = createReplicaQueries(db, () => uuid(999));
    apply([
      { e: 'canned_response', id: uuid(1), v: 3, op: 'put', row: canned(1, 'thanks') },
      {
        e: 'canned_response',
        id: uuid(2),
        v: 4,
        op: 'put',
        row: canned(2, 'greet', { scope: 'personal', ownerId: uuid(999) }),
      },
    ]);
    expect(q.cannedResponses().map((c) => c.shortcut)).toEqual(['greet', 'thanks']);
    apply([
      { e: 'canned_response', id: uuid(1), v: 10, op: 'put', row: canned(1, 'ty', { body: 'Thank you!' }) },
    ]);
    expect(q.cannedResponses().find((c) => c.id === uuid(1))).toMatchObject({
      shortcut: 'ty',
      body: 'Thank you!',
    });
    const sum = apply([{ e: 'canned_response', id: uuid(2), v: 11, op: 'del' }]);
    expect(sum.tables).toContain('canned_responses');
    expect(q.cannedResponses().map((c) => c.shortcut)).toEqual(['ty']);
  });
});
