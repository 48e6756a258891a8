import { describe, expect, it } from 'vitest';
import type { Db } from '../../storage/db';
import type { AuditLog } from './audit-log';
import { createCoalescedAudit, type StandaloneEvent } from './coalesced-audit';

// The key-write audit coalescer over a scripted audit log: concurrent events share an insert,
// the first goes at once, and a failing batch is recorded event by event so a bad event loses
// only itself.

const ev = (summary: string): StandaloneEvent => ({
  organizationId: 'org',
  actor: { kind: 'system', label: 'test' },
  event: { action: 'api_key.write', summary },
});

function scriptedAudit(bad?: string) {
  const inserts: string[][] = [];
  const audit: Pick<AuditLog, 'record' | 'recordMany'> = {
    record: async (_db, _org, _actor, event) => {
      if (event.summary === bad) throw new Error(`bad ${bad}`);
      inserts.push([event.summary]);
    },
    recordMany: async (_db, events) => {
      if (events.some((e) => e.event.summary === bad)) throw new Error('batch failed');
      inserts.push(events.map((e) => e.event.summary));
    },
  };
  return { audit, inserts };
}

describe('coalesced audit', () => {
  it('records the first event at once and the ones arriving meanwhile in one insert', async () => {
    const { audit, inserts } = scriptedAudit();
    const c = createCoalescedAudit({} as Db, audit);
    await Promise.all(['a', 'b', 'c', 'd'].map((s) => c.record(ev(s))));
    expect(inserts).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('a bad event fails alone; its neighbours are recorded one by one', async () => {
    const { audit, inserts } = scriptedAudit('c');
    const c = createCoalescedAudit({} as Db, audit);
    const settled = await Promise.allSettled(['a', 'b', 'c', 'd'].map((s) => c.record(ev(s))));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(inserts).toEqual([['a'], ['b'], ['d']]);
  });
});
