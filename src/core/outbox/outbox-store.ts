import type Database from 'better-sqlite3';
import {
  MUTATOR_VERSION,
  type MutationName,
  type MutationResult,
  type RawMutation,
} from '#contract/sync/protocol';
import type { ApplySummary } from '../sync/apply/apply';

/**
 * The durable outbox (design/sync-protocol.md §2.7): mutations in `mutation_id` order with
 * their status, plus the confirmation rule of §2.8. Enqueueing runs inside {@link durable}, the
 * only transactions committed with `synchronous=FULL`.
 */

/** An outbox row as the engine and the tray see it. */
export interface OutboxRow {
  mutationId: number;
  name: MutationName;
  /** Parsed JSON args. */
  args: unknown;
  createdAt: string;
  mutatorVersion: number;
  status: 'pending' | 'applied' | 'rejected';
  ackSeq: number | null;
  error: { code: string; message: string } | null;
  attempts: number;
  conversationId: string | null;
}

interface RawRow {
  mutation_id: number;
  name: string;
  args: string;
  created_at: string;
  mutator_version: number;
  status: string;
  ack_seq: number | null;
  error: string | null;
  attempts: number;
  conversation_id: string | null;
}

const toRow = (r: RawRow): OutboxRow => ({
  mutationId: r.mutation_id,
  name: r.name as MutationName,
  args: JSON.parse(r.args) as unknown,
  createdAt: r.created_at,
  mutatorVersion: r.mutator_version,
  status: r.status as OutboxRow['status'],
  ackSeq: r.ack_seq,
  error: r.error ? (JSON.parse(r.error) as OutboxRow['error']) : null,
  attempts: r.attempts,
  conversationId: r.conversation_id,
});

/**
 * Runs `fn` in one transaction committed with `synchronous=FULL` (the WAL is fsynced before
 * the commit returns), then returns the connection to NORMAL. Outbox writes must survive a power
 * loss; server-owned data may not need to (the server resends it), so applies stay NORMAL. In
 * WAL mode commits are appended in order, so a FULL commit also makes every earlier NORMAL
 * commit durable, and a power loss can only drop a suffix of NORMAL commits after the last
 * FULL one: the replica stays a consistent prefix.
 */
export function durable<T>(db: Database.Database, fn: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

/** Builds the outbox store over an open replica. */
export function createOutboxStore(db: Database.Database) {
  db.prepare('INSERT OR IGNORE INTO sync_state (id) VALUES (1)').run();
  const s = {
    nextId: db
      .prepare(
        'UPDATE sync_state SET next_mutation_id = next_mutation_id + 1 WHERE id = 1 RETURNING next_mutation_id - 1',
      )
      .pluck(),
    insert: db.prepare(
      `INSERT INTO outbox (mutation_id, name, args, created_at, mutator_version, status, attempts, conversation_id)
       VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)`,
    ),
    get: db.prepare('SELECT * FROM outbox WHERE mutation_id = ?'),
    batch: db.prepare(`SELECT * FROM outbox WHERE status = 'pending' ORDER BY mutation_id LIMIT ?`),
    attempt: db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE mutation_id = ?'),
    setArgs: db.prepare(`UPDATE outbox SET args = ? WHERE mutation_id = ? AND status = 'pending'`),
    applied: db.prepare(
      `UPDATE outbox SET status = 'applied', ack_seq = ? WHERE mutation_id = ? AND status = 'pending'`,
    ),
    rejected: db.prepare(
      `UPDATE outbox SET status = 'rejected', error = ? WHERE mutation_id = ? AND status = 'pending'`,
    ),
    failPending: db.prepare(`UPDATE pending_messages SET state = 'failed', error = ? WHERE mutation_id = ?`),
    dropPatches: db.prepare('DELETE FROM pending_patches WHERE mutation_id = ?'),
    dropPending: db.prepare('DELETE FROM pending_messages WHERE mutation_id = ?'),
    drop: db.prepare('DELETE FROM outbox WHERE mutation_id = ?'),
    lmid: db.prepare('UPDATE sync_state SET lmid = max(lmid, ?) WHERE id = 1'),
    confirmable: db
      .prepare(
        `SELECT mutation_id FROM outbox WHERE status = 'applied' AND ack_seq <= ? ORDER BY mutation_id`,
      )
      .pluck(),
    size: db.prepare(`SELECT count(*) FROM outbox WHERE status != 'rejected'`).pluck(),
    failed: db.prepare(`SELECT count(*) FROM outbox WHERE status = 'rejected'`).pluck(),
    all: db.prepare('SELECT * FROM outbox ORDER BY mutation_id'),
    hasPatches: db.prepare('SELECT 1 FROM pending_patches WHERE mutation_id = ? LIMIT 1').pluck(),
    conversationOf: db.prepare('SELECT conversation_id FROM outbox WHERE mutation_id = ?').pluck(),
  };
  /** Names the mutation's conversation in the summary, so only its views re-read. */
  const touch = (mid: number, sum: ApplySummary): void => {
    const cid = s.conversationOf.get(mid) as string | null | undefined;
    if (cid) sum.conversationIds.add(cid);
  };

  return {
    /**
     * Allocates the next mutation id and inserts the row. Call inside {@link durable}, in the
     * same transaction as the optimistic overlay.
     */
    enqueue(
      name: MutationName,
      args: unknown,
      createdAt: string,
      conversationId: string | null,
      mutatorVersion: number = MUTATOR_VERSION,
    ): number {
      const mid = s.nextId.get() as number;
      s.insert.run(mid, name, JSON.stringify(args), createdAt, mutatorVersion, conversationId);
      return mid;
    },

    get(mid: number): OutboxRow | null {
      const r = s.get.get(mid) as RawRow | undefined;
      return r ? toRow(r) : null;
    },

    /** The next mutations to push, oldest first. */
    nextBatch(limit: number): OutboxRow[] {
      return (s.batch.all(limit) as RawRow[]).map(toRow);
    },

    /**
     * Replaces a pending mutation's args before it is pushed (a staged file's local media id by
     * the server's, once uploaded). A mutation already answered keeps its args.
     */
    setArgs(mid: number, args: unknown): void {
      s.setArgs.run(JSON.stringify(args), mid);
    },

    /**
     * Counts a send attempt (decides whether a queued mutation may still be discarded locally).
     * Committed with FULL before the push leaves: after a power loss the tray must not offer to
     * discard a mutation the server may already hold.
     */
    markAttempt(mids: readonly number[]): void {
      durable(db, () => {
        for (const m of mids) s.attempt.run(m);
      });
    },

    /**
     * Records server results and the server's lmid. Rejections become visible failures at once
     * (pending messages keep their text; field patches are dropped so the server value shows).
     * Call inside a transaction.
     */
    applyResults(results: readonly MutationResult[], lmid: number, sum: ApplySummary): void {
      for (const r of results) {
        if (r.status === 'applied') {
          s.applied.run(r.seq, r.mid);
        } else {
          const error = JSON.stringify(
            r.error ?? { code: 'rejected', message: 'The server refused this change.' },
          );
          if (s.rejected.run(error, r.mid).changes === 0) continue;
          touch(r.mid, sum);
          s.failPending.run(error, r.mid);
          if (s.hasPatches.get(r.mid)) sum.tables.add('pending_patches');
          s.dropPatches.run(r.mid);
          sum.tables.add('outbox');
          sum.tables.add('pending_messages');
        }
      }
      s.lmid.run(lmid);
    },

    /**
     * The confirmation rule: an applied mutation whose seq the cursor has reached is done; its
     * overlay goes in the same transaction as the data that replaces it. Call inside a transaction.
     */
    confirm(cursor: number, sum: ApplySummary): number {
      const mids = s.confirmable.all(cursor) as number[];
      for (const m of mids) {
        touch(m, sum);
        s.dropPending.run(m);
        s.dropPatches.run(m);
        s.drop.run(m);
      }
      if (mids.length) for (const t of ['outbox', 'pending_messages', 'pending_patches']) sum.tables.add(t);
      return mids.length;
    },

    /** Removes a mutation and its overlays (discard, or replaced by a retry). Call inside a transaction. */
    remove(mid: number): void {
      s.dropPending.run(mid);
      s.dropPatches.run(mid);
      s.drop.run(mid);
    },

    /** Mutations not yet confirmed (pending or applied awaiting the cursor). */
    size(): number {
      return s.size.get() as number;
    },

    /** Rejected mutations shown in the failed tray. */
    failedCount(): number {
      return s.failed.get() as number;
    },

    /** Every row, oldest first. */
    all(): OutboxRow[] {
      return (s.all.all() as RawRow[]).map(toRow);
    },

    /** The wire form of a row. */
    toWire(row: OutboxRow, clientId: string): RawMutation {
      return {
        clientId,
        mutationId: row.mutationId,
        name: row.name,
        args: row.args,
        createdAt: row.createdAt,
        mutatorVersion: row.mutatorVersion,
      };
    },
  };
}

/** The outbox store's type. */
export type OutboxStore = ReturnType<typeof createOutboxStore>;
