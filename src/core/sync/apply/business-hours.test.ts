import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusinessHoursRow } from '#contract/api/organization';
import type { ChangeEntry } from '#contract/sync/protocol';
import { memoryReplica, uuid } from '../../testing/replica-fixtures';
import { createReplicaQueries } from '../../replica/queries';
import { createApplier, emptySummary } from './apply';

// Issue 12: the organization's business hours in the replica (one row, keyed by the organization
// id), so the app knows offline whether it is outside business hours and the away message answers.

let db: Database.Database;
const ORG = uuid(500);
const row = (over: Partial<BusinessHoursRow> = {}): BusinessHoursRow => ({
  id: ORG,
  timeZone: 'Europe/Lisbon',
  businessHours: [[{ from: '09:00', to: '17:00' }], [], [], [], [], [], []],
  awayMessage: { enabled: true, gapMinutes: 60 },
  ...over,
});
const apply = (entries: ChangeEntry[]) => {
  const sum = emptySummary();
  db.transaction(() => createApplier(db).applyEntries(entries, { kind: 'log' }, sum))();
  return sum;
};

beforeEach(() => {
  db = memoryReplica();
});
afterEach(() => db.close());

describe('business hours in the replica', () => {
  it('is null before the first sync, then the newest version only, announced by its table', () => {
    const q = createReplicaQueries(db, () => uuid(1));
    expect(q.businessHours()).toBeNull();
    const sum = apply([{ e: 'business_hours', id: ORG, v: 5, op: 'put', row: row() }]);
    expect(sum.tables).toContain('business_hours');
    expect(q.businessHours()).toEqual(row());
    apply([{ e: 'business_hours', id: ORG, v: 9, op: 'put', row: row({ businessHours: null }) }]);
    apply([{ e: 'business_hours', id: ORG, v: 7, op: 'put', row: row({ timeZone: 'UTC' }) }]);
    expect(q.businessHours()).toEqual(row({ businessHours: null }));
  });
});
