import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '#contract/api/auth';
import type { CannedResponse } from '#contract/api/canned-responses';
import type { ChangeEntry } from '#contract/sync/protocol';
import { createOutboxStore, type OutboxStore } from '../outbox/outbox-store';
import { createReplicaQueries, type ReplicaQueries } from '../replica/queries';
import { createApplier, emptySummary, type ApplySummary } from '../sync/apply/apply';
import { memoryReplica, uuid } from '../testing/replica-fixtures';
import { createCommands, type Commands } from './commands';

// Issue 12: canned responses are available offline. Creating, editing and deleting one on this
// device queues a `canned.*` mutation with its overlay; the list (Settings, the composer's "/")
// shows it at once; the server's row replaces it when the cursor reaches the mutation's seq, and
// a refusal takes the overlay away (the server's value shows) and leaves a failed tray item.

const me: SessionUser = {
  id: uuid(77),
  email: 'me@example.test',
  name: 'Me',
  role: 'agent',
  organizationId: uuid(78),
  organizationName: 'Org',
};

let db: Database.Database;
let outbox: OutboxStore;
let commands: Commands;
let queries: ReplicaQueries;
let user: SessionUser;
let announced: ApplySummary[];

const serverRow = (id: string, over: Partial<CannedResponse> = {}): CannedResponse => ({
  id,
  scope: 'personal',
  ownerId: me.id,
  shortcut: 'thanks',
  title: 'Thanks',
  body: 'Thank you!',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
/** One pull page: the rows, the mutation results and the cursor, in one transaction. */
const page = (entries: ChangeEntry[], results: Parameters<OutboxStore['applyResults']>[0], cursor: number) =>
  db.transaction(() => {
    const sum = emptySummary();
    createApplier(db).applyEntries(entries, { kind: 'log' }, sum);
    outbox.applyResults(results, Math.max(0, ...results.map((r) => r.mid)), sum);
    db.prepare('UPDATE sync_state SET cursor = ?').run(cursor);
    outbox.confirm(cursor, sum);
    return sum;
  })();
const shortcuts = () => queries.cannedResponses().map((c) => c.shortcut);
const count = (t: string) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get();

beforeEach(() => {
  db = memoryReplica();
  user = me;
  announced = [];
  outbox = createOutboxStore(db);
  queries = createReplicaQueries(db, () => user.id);
  let now = Date.UTC(2026, 0, 1);
  commands = createCommands({
    db,
    outbox,
    user: () => user,
    now: () => now++,
    changed: (s) => announced.push(s),
  });
});
afterEach(() => db.close());

describe('canned-response commands (offline)', () => {
  it('create: queued with its overlay, listed at once, replaced by the server row when applied', () => {
    const r = commands.createCanned({
      scope: 'personal',
      shortcut: 'thanks',
      title: 'Thanks',
      body: 'Thank you!',
    });
    expect(r.ok).toBe(true);
    const created = r.ok ? r.value : null!;
    expect(created).toMatchObject({ scope: 'personal', ownerId: me.id, shortcut: 'thanks' });
    // The outbox row carries the client's id, so the server's row has the same one.
    const [queued] = outbox.nextBatch(100);
    expect(queued).toMatchObject({ name: 'canned.create', args: { id: created.id, shortcut: 'thanks' } });
    expect(shortcuts()).toEqual(['thanks']);
    expect(announced.at(-1)!.tables).toContain('canned_responses');
    // The server applied it at seq 12; the pull page with its row confirms it.
    const sum = page(
      [{ e: 'canned_response', id: created.id, v: 12, op: 'put', row: serverRow(created.id) }],
      [{ mid: queued!.mutationId, status: 'applied', seq: 12 }],
      12,
    );
    expect(sum.tables).toContain('pending_patches');
    expect(count('outbox')).toBe(0);
    expect(count('pending_patches')).toBe(0);
    expect(queries.cannedResponses()).toEqual([serverRow(created.id)]);
  });

  it('edit and delete show at once over the server row; a refusal brings the server value back', () => {
    const id = uuid(5);
    page([{ e: 'canned_response', id, v: 3, op: 'put', row: serverRow(id) }], [], 3);
    const edit = commands.updateCanned({ id, patch: { shortcut: 'ty', body: 'Cheers' } });
    expect(edit.ok && edit.value).toMatchObject({ id, shortcut: 'ty', title: 'Thanks', body: 'Cheers' });
    expect(queries.cannedResponses()).toMatchObject([{ shortcut: 'ty', body: 'Cheers' }]);
    const del = commands.deleteCanned({ id });
    expect(del).toEqual({ ok: true, value: { done: true } });
    expect(queries.cannedResponses()).toEqual([]);
    expect(outbox.nextBatch(100).map((m) => m.name)).toEqual(['canned.update', 'canned.delete']);
    // The server refused both (say the response was deleted meanwhile by another device of mine).
    page(
      [],
      [
        { mid: 1, status: 'rejected', seq: 4, error: { code: 'not_found', message: 'gone' } },
        { mid: 2, status: 'rejected', seq: 4, error: { code: 'not_found', message: 'gone' } },
      ],
      4,
    );
    expect(queries.cannedResponses()).toEqual([serverRow(id)]);
    expect(commands.list(new Set()).map((i) => [i.summary, i.state])).toEqual([
      ['Canned response edit', 'failed'],
      ['Canned response deleted', 'failed'],
    ]);
  });

  it('refuses at once what the server would: an agent writing the organization’s, a shortcut in use, an unknown id', () => {
    const org = uuid(6);
    page(
      [
        {
          e: 'canned_response',
          id: org,
          v: 3,
          op: 'put',
          row: serverRow(org, { scope: 'organization', ownerId: null, shortcut: 'hours' }),
        },
      ],
      [],
      3,
    );
    const body = { title: 'T', body: 'B' };
    expect(commands.createCanned({ scope: 'organization', shortcut: 'x', ...body })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(commands.updateCanned({ id: org, patch: { title: 'Mine now' } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(commands.createCanned({ scope: 'personal', shortcut: 'mine', ...body }).ok).toBe(true);
    expect(commands.createCanned({ scope: 'personal', shortcut: 'mine', ...body })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'You already have a canned response with this shortcut' },
    });
    // The same shortcut in the other scope is fine (a personal "/hours" next to the organization's).
    expect(commands.createCanned({ scope: 'personal', shortcut: 'hours', ...body }).ok).toBe(true);
    expect(commands.deleteCanned({ id: uuid(99) })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // A manager may write the organization's.
    user = { ...me, role: 'manager' };
    expect(commands.updateCanned({ id: org, patch: { title: 'Opening hours' } }).ok).toBe(true);
    expect(count('outbox')).toBe(3);
  });

  it('retry of a refused create queues it again with its overlay', () => {
    const r = commands.createCanned({ scope: 'personal', shortcut: 'later', title: 'Later', body: 'Later!' });
    const id = r.ok ? r.value.id : '';
    page([], [{ mid: 1, status: 'rejected', seq: 2, error: { code: 'internal', message: 'x' } }], 2);
    expect(shortcuts()).toEqual([]);
    const again = commands.retry(1);
    expect(again.ok).toBe(true);
    expect(queries.cannedResponses()).toMatchObject([{ id, shortcut: 'later' }]);
    expect(outbox.nextBatch(100)).toMatchObject([{ name: 'canned.create', args: { id } }]);
  });
});
