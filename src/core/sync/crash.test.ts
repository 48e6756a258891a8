import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '#contract/api/auth';
import { ok } from '#contract/result';
import { createCommands } from '../commands/commands';
import { silentLogger } from '../deps';
import { createOutboxStore } from '../outbox/outbox-store';
import { createReplicaQueries } from '../replica/queries';
import {
  conversationRow,
  contactRow,
  copyReplica,
  dumpReplica,
  memoryReplica,
  messageRow,
  put,
  uuid,
} from '../testing/replica-fixtures';
import { createScriptedTransport, SCRIPTED_USER } from '../testing/scripted-transport';
import { createApplier, emptySummary } from './apply/apply';
import { createSyncEngine } from './engine/engine';
import { instrument, Killed } from '../testing/faulty-db';
import { createVirtualClock } from '../testing/virtual-time';

// Invariant 11 (crash atomicity): kill the process between ANY two SQL statements of an apply
// or of a command, restart from the same database, and the replica is exactly the state before
// or after the interrupted transaction: cursor with its data, outbox with its overlay.

const C = uuid(1);
const D = uuid(2);
const me: SessionUser = {
  id: SCRIPTED_USER,
  email: 'a@example.test',
  name: 'A',
  role: 'agent',
  organizationId: uuid(9),
  organizationName: 'Org',
};

/** The state a kill must leave untouched or complete: everything but what the hello records. */
const state = (live: Database.Database) => {
  // Read a copy of the file: the killed connection refuses every statement.
  const db = copyReplica(live);
  const d = dumpReplica(db);
  db.close();
  d.sync_state = d.sync_state!.map((r) => ({ ...(r as object), tenant_seq: null, floor_seq: null }));
  return JSON.stringify(d);
};

/** A replica with data, an applied mutation waiting for the cursor and its overlay. */
function before(): Database.Database {
  const db = memoryReplica();
  db.prepare('INSERT INTO sync_state (id, bootstrap_phase, cursor) VALUES (1, 3, 10)').run();
  const a = createApplier(db);
  const c = conversationRow(C, { lastConvSeq: 1 });
  db.transaction(() =>
    a.applyEntries(
      [
        put.conversation(c, 5),
        put.contact(contactRow(c.contact.id), 5),
        put.message(messageRow(uuid(3), C, 1), 6),
        put.conversation(conversationRow(D), 7),
      ],
      { kind: 'log' },
      emptySummary(),
    ),
  )();
  const outbox = createOutboxStore(db);
  const commands = createCommands({ db, outbox, user: () => me, now: () => 0, changed: () => undefined });
  commands.setStatus({ conversationId: C, status: 'resolved' });
  db.transaction(() => outbox.applyResults([{ mid: 1, status: 'applied', seq: 20 }], 1, emptySummary()))();
  return db;
}

/** Connects an engine and lets it pull one page that touches everything; returns the statements it ran. */
async function pullOnePage(db: Database.Database, killAt: number | null): Promise<number> {
  const kill = instrument(db);
  const clock = createVirtualClock();
  const t = createScriptedTransport();
  t.onPull = (q) => ({
    changes: [
      put.conversation(conversationRow(C, { status: 'resolved', lastConvSeq: 2 }), 20),
      put.message(messageRow(uuid(4), C, 2), 19),
      { e: 'message', id: uuid(3), v: 18, op: 'del' },
      { e: 'conversation', id: D, v: 17, op: 'revoke', reassignedTo: null },
    ],
    nextCursor: 20,
    hasMore: false,
    tenantSeq: 20,
    lmid: q.lmid,
    mutationResults: [],
  });
  const engine = createSyncEngine({
    db,
    transport: t,
    queries: createReplicaQueries(db, () => me.id),
    clientId: uuid(5, '0190a4b2-0000-7000-8888'),
    replicaId: 'r',
    organizationId: me.organizationId,
    token: async () => ok('t'),
    clock,
    logger: silentLogger,
    backfill: false,
    onStatus: () => undefined,
    onChanged: () => undefined,
    onRevoked: () => undefined,
    onSessionRevoked: () => undefined,
  });
  engine.start();
  await clock.advance(0);
  if (killAt !== null) kill.arm(killAt);
  const from = kill.executed;
  t.hello({ tenantSeq: 20 });
  await clock.advance(100);
  engine.stop();
  return kill.executed - from;
}

describe('crash atomicity', () => {
  it('a pull page with data, a revoke, a delete and a confirmation: before or after, never between', async () => {
    const base = before();
    const startState = state(base);
    const reference = copyReplica(base);
    const statements = await pullOnePage(reference, null);
    const endState = state(reference);
    expect(endState).not.toBe(startState);
    expect(statements).toBeGreaterThan(10);
    const outcomes = { before: 0, after: 0 };
    for (let k = 1; k <= statements + 1; k++) {
      const db = copyReplica(base);
      await pullOnePage(db, k);
      // The restarted process sees the file as the kill left it.
      const s = state(db);
      if (s === startState) outcomes.before += 1;
      else if (s === endState) outcomes.after += 1;
      else expect.fail(`kill at statement ${k} left a state that is neither before nor after`);
      db.close();
    }
    expect(outcomes.before).toBeGreaterThan(0);
    expect(outcomes.after).toBeGreaterThan(0);
  });

  it('a command: the outbox row and its optimistic row exist together or not at all', () => {
    const base = before();
    const run = (db: Database.Database, killAt: number | null) => {
      const kill = instrument(db);
      const commands = createCommands({
        db,
        outbox: createOutboxStore(db),
        user: () => me,
        now: () => 1_000,
        changed: () => undefined,
      });
      if (killAt !== null) kill.arm(killAt);
      const from = kill.executed;
      try {
        commands.sendMessage({ conversationId: C, message: { id: uuid(6), type: 'text', text: 'hi' } });
      } catch (e) {
        if (!(e instanceof Killed)) throw e;
      }
      return kill.executed - from;
    };
    const startState = state(base);
    const reference = copyReplica(base);
    const statements = run(reference, null);
    const endState = state(reference);
    for (let k = 1; k <= statements + 1; k++) {
      const db = copyReplica(base);
      run(db, k);
      const s = state(db);
      expect([startState, endState], `kill at statement ${k}`).toContain(s);
      db.close();
    }
  });
});
