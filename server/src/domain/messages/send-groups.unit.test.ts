import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db, Tx } from '../../storage/db';
import { createSendGroups, type GroupStep } from './send-groups';

// The group committer's bookkeeping over a scripted database (the real one is exercised by
// send-groups.test.ts): who shares a transaction, what a failing send takes down (only itself),
// and that a send failing on a lock conflict inside a group is run again on its own.

const dialect = new PgDialect();

/** A database whose transactions record their statements; `recordChanges` gets a seq back. */
function scriptedDb() {
  const transactions: string[][] = [];
  let seq = 0;
  const db = {
    transaction: async (work: (tx: Tx) => Promise<unknown>) => {
      const log: string[] = [];
      transactions.push(log);
      const tx = {
        execute: async (q: SQL) => {
          const text = dialect.sqlToQuery(q).sql;
          log.push(text.trim().split(/\s+/).slice(0, 3).join(' '));
          return { rows: [{ seq: (seq += 1) }] };
        },
      } as unknown as Tx;
      return work(tx);
    },
  } as unknown as Db;
  return { db, transactions };
}

const conflict = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });
const step =
  (value: string, fail?: () => Error | undefined): GroupStep<string> =>
  async () => {
    const e = fail?.();
    if (e) throw e;
    return { value, changes: [{ entity: 'message', entityId: crypto.randomUUID() }], queued: true };
  };

describe('send groups', () => {
  it('a lone send runs without savepoints; later arrivals share the next transaction', async () => {
    const { db, transactions } = scriptedDb();
    let woken = 0;
    const groups = createSendGroups({ db, onQueued: () => (woken += 1) });
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((v) => groups.run('org', step(v))));
    expect(answers).toEqual(['a', 'b', 'c', 'd']);
    expect(transactions).toHaveLength(2);
    expect(transactions[0]!.filter((s) => s.startsWith('savepoint'))).toHaveLength(0);
    // Three sends, three savepoints, ONE change-log append (the last statement).
    expect(transactions[1]!.filter((s) => s.startsWith('savepoint'))).toHaveLength(3);
    expect(transactions[1]!.filter((s) => s.startsWith('with clock'))).toHaveLength(1);
    expect(transactions[1]!.at(-1)).toMatch(/^with clock/);
    expect(woken).toBe(2);
  });

  it('a failing send is refused alone; one hit by a lock conflict runs again by itself', async () => {
    const { db, transactions } = scriptedDb();
    const groups = createSendGroups({ db });
    let conflicts = 0;
    const settled = await Promise.allSettled([
      groups.run('org', step('first')),
      groups.run('org', step('kept')),
      groups.run(
        'org',
        step('bad', () => new Error('refused')),
      ),
      groups.run(
        'org',
        step('retried', () => (conflicts++ === 0 ? conflict() : undefined)),
      ),
      groups.run('org', step('also kept')),
    ]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'first',
      'kept',
      'refused',
      'retried',
      'also kept',
    ]);
    // first alone; kept/bad/retried/also kept together (two rolled back to their savepoint);
    // then the conflicted one alone.
    expect(transactions).toHaveLength(3);
    expect(transactions[1]!.filter((s) => s.startsWith('rollback to'))).toHaveLength(2);
    expect(transactions[2]!.filter((s) => s.startsWith('savepoint'))).toHaveLength(0);
  });

  it('organizations do not share transactions', async () => {
    const { db, transactions } = scriptedDb();
    const groups = createSendGroups({ db });
    await Promise.all([groups.run('a', step('1')), groups.run('b', step('2')), groups.run('a', step('3'))]);
    expect(transactions).toHaveLength(3);
  });

  it('a batch writes the sends it takes; those it hands back run their steps in savepoints', async () => {
    const { db, transactions } = scriptedDb();
    const seen: string[][] = [];
    const groups = createSendGroups<string>({
      db,
      batch: async (_tx, _org, items) => {
        seen.push(items);
        return items.map((v) =>
          v === 'c'
            ? null
            : { value: `batched ${v}`, changes: [{ entity: 'message', entityId: v }], queued: true },
        );
      },
    });
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((v) => groups.run('org', step(`step ${v}`), v === 'e' ? undefined : v)),
    );
    // a alone (a batch needs two); b, c, d offered to the batch, c handed back; e has no item.
    expect(answers).toEqual(['step a', 'batched b', 'step c', 'batched d', 'step e']);
    expect(seen).toEqual([['b', 'c', 'd']]);
    expect(transactions).toHaveLength(2);
    expect(transactions[1]!.filter((s) => s.startsWith('savepoint'))).toHaveLength(2);
    expect(transactions[1]!.filter((s) => s.startsWith('with clock'))).toHaveLength(1);
  });

  it('a batch that throws sends its group again, one send at a time', async () => {
    const { db, transactions } = scriptedDb();
    let batches = 0;
    const groups = createSendGroups<string>({
      db,
      batch: async () => {
        batches += 1;
        throw new Error('declined');
      },
    });
    const answers = await Promise.all(['a', 'b', 'c'].map((v) => groups.run('org', step(`step ${v}`), v)));
    expect(answers).toEqual(['step a', 'step b', 'step c']);
    expect(batches).toBe(1);
    // a alone; b+c tried as a batch (failed), then again with a savepoint each.
    expect(transactions).toHaveLength(3);
    expect(transactions[2]!.filter((s) => s.startsWith('savepoint'))).toHaveLength(2);
  });
});
