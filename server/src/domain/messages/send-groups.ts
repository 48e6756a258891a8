import { sql } from 'drizzle-orm';
import type { Change } from '../../storage/change-log';
import { recordChanges } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { isTransientConflict, retryTransientConflicts } from '../../storage/errors';

// Group commit of REST sends (issue 10, `api-send`). Every send of an organization ends by
// bumping the organization's change clock row, whose lock is held until commit, so one
// process's concurrent sends queued behind each other's commits one at a time. Here they share
// a transaction instead: the first send of an idle organization starts a transaction at once
// (a lone send waits for nobody); the sends that arrive while it runs wait, then go together in
// the next one. Each send runs in its own savepoint, so a refused or failing send rolls back
// alone; the group then logs every kept send's changes with ONE `recordChanges` as its last
// statement (one clock bump: seqs stay gap-free and in commit order, sync-protocol §2.2) and
// commits once. No send is answered before the commit that holds it.

/** At most this many sends share a transaction: PostgreSQL keeps 64 subtransactions in memory. */
export const SEND_GROUP_MAX = 50;

const SAVEPOINT = sql.raw('savepoint send');
const ROLLBACK_TO_SAVEPOINT = sql.raw('rollback to savepoint send');

/** What one send writes in the group's transaction: its answer and the changes to log. */
export type GroupStep<T> = (tx: Tx) => Promise<Written<T>>;
type Written<T> = { value: T; changes: Change[]; queued: boolean };

/**
 * Writes several sends of a group at once (send-batch.ts): per item what its step would have
 * written, or null for an item whose step must run (in its savepoint, after the batch). Throwing
 * sends the group one send at a time.
 */
export type GroupBatch<B> = (
  tx: Tx,
  organizationId: string,
  items: B[],
) => Promise<(Written<unknown> | null)[]>;

type Waiter<T> = {
  step: GroupStep<T>;
  /** The send as the batch takes it, when it may go in one. */
  item: unknown;
  resolve: (value: T) => void;
  reject: (e: unknown) => void;
};

/** What a send came to inside one attempt at a group. */
type Settled<T> =
  | { kind: 'kept'; value: T; changes: Change[]; queued: boolean }
  | { kind: 'failed'; error: unknown }
  /** Failed for a reason its neighbours may have caused (a lock conflict): run it alone. */
  | { kind: 'alone' };

/** Joins concurrent sends of one organization into shared transactions. */
export type SendGroups = ReturnType<typeof createSendGroups>;

/** Creates the group committer over `db`; `onQueued` runs after a commit that queued sends. */
export function createSendGroups<B = never>(deps: {
  db: Db;
  onQueued?: (() => void) | undefined;
  batch?: GroupBatch<B> | undefined;
}) {
  const { db } = deps;
  const waiting = new Map<string, Waiter<unknown>[]>();
  /** The waiters of `group` a batch may take, when there are enough to be worth one. */
  const batchOf = (group: Waiter<unknown>[]): number[] => {
    if (!deps.batch) return [];
    const items = group.flatMap((w, i) => (w.item !== undefined ? [i] : []));
    return items.length >= 2 ? items : [];
  };

  /**
   * One attempt at a group: the batchable sends written together (`useBatch`), every other step
   * in its savepoint, one log append, one commit.
   */
  const attempt = async (organizationId: string, group: Waiter<unknown>[], useBatch: boolean) => {
    const settled: Settled<unknown>[] = [];
    await db.transaction(async (tx) => {
      settled.length = 0;
      const batched = new Map<number, Written<unknown>>();
      const items = useBatch ? batchOf(group) : [];
      if (items.length > 0) {
        const written = await deps.batch!(
          tx,
          organizationId,
          items.map((i) => group[i]!.item as B),
        );
        written.forEach((r, k) => r && batched.set(items[k]!, r));
      }
      for (const [i, w] of group.entries()) {
        const done = batched.get(i);
        if (done) {
          settled.push({ kind: 'kept', ...done });
          continue;
        }
        if (group.length === 1) {
          // Alone: no savepoint (a lone send costs what it did before groups); a failure rolls
          // the transaction back and is thrown to the caller as before.
          const r = await w.step(tx);
          settled.push({ kind: 'kept', ...r });
          continue;
        }
        // A savepoint per send: a throw rolls back this send alone. Kept ones are never released
        // (RELEASE would be one more round trip each): they nest, and ROLLBACK TO the newest
        // `send` undoes only the send that failed; the commit keeps them all.
        await tx.execute(SAVEPOINT);
        try {
          const r = await w.step(tx);
          settled.push({ kind: 'kept', ...r });
        } catch (error) {
          await tx.execute(ROLLBACK_TO_SAVEPOINT);
          settled.push(isTransientConflict(error) ? { kind: 'alone' } : { kind: 'failed', error });
        }
      }
      const changes = settled.flatMap((s) => (s.kind === 'kept' ? s.changes : []));
      // The LAST statement: the clock row is locked from here until the commit.
      await recordChanges(tx, organizationId, changes);
    });
    return settled;
  };

  /** Runs one group to the end: answers each waiter after the commit (or runs it alone). */
  const runGroup = async (organizationId: string, group: Waiter<unknown>[]) => {
    let settled: Settled<unknown>[];
    const useBatch = batchOf(group).length > 0;
    try {
      settled = await retryTransientConflicts(() => attempt(organizationId, group, useBatch)).catch(
        // A batch that failed or declined: the same group again, one send at a time, which
        // answers each send exactly as it always did.
        (e: unknown) => {
          if (!useBatch) throw e;
          return retryTransientConflicts(() => attempt(organizationId, group, false));
        },
      );
    } catch (e) {
      // A lone send's failure is its own; a group that failed as a whole answers each alike.
      for (const w of group) w.reject(e);
      return;
    }
    if (settled.some((s) => s.kind === 'kept' && s.queued)) deps.onQueued?.();
    const alone: Waiter<unknown>[] = [];
    settled.forEach((s, i) => {
      const w = group[i]!;
      if (s.kind === 'kept') w.resolve(s.value);
      else if (s.kind === 'failed') w.reject(s.error);
      else alone.push(w);
    });
    for (const w of alone) await runGroup(organizationId, [w]);
  };

  const drain = async (organizationId: string, queue: Waiter<unknown>[]) => {
    try {
      while (queue.length > 0) await runGroup(organizationId, queue.splice(0, SEND_GROUP_MAX));
    } finally {
      waiting.delete(organizationId);
    }
  };

  return {
    /**
     * Runs `step` in the next transaction of `organizationId`'s sends and resolves with its value
     * once that transaction committed; rejects with what `step` threw (its writes rolled back,
     * its neighbours' kept). With `item`, the send may be written in the group's batch instead
     * of by `step` (which then runs only if the batch hands it back).
     */
    run: <T>(organizationId: string, step: GroupStep<T>, item?: B): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const w = { step, item, resolve, reject } as Waiter<unknown>;
        const queue = waiting.get(organizationId);
        if (queue) {
          queue.push(w);
          return;
        }
        const fresh = [w];
        waiting.set(organizationId, fresh);
        void drain(organizationId, fresh);
      }),
  };
}
