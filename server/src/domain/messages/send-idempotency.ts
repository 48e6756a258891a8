import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Message } from '#contract/api/messages';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import type { QueuedSend } from './queue-send';
import { BatchDeclined, queueSendBatch, type BatchSend, type SendBatchDeps } from './send-batch';
import { createSendGroups, type GroupBatch } from './send-groups';
import { rowsOf, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import { idempotencyKeys } from '../../storage/schema/index';

// Idempotent REST sends (quality bar 5.2.4): a key (the Idempotency-Key header, else the client's
// message id) binds the first request's hash and answer for a day, stored in the same
// transaction as the send, so a retried request gets the first answer and never a second send.

/** Idempotency keys are kept (and honoured) at least this long (quality bar 5.2.4). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** A send answered by the REST routes. */
export type SendResponse = { message: Message; replayed: boolean };

/** A transaction's outcome that must roll back (a refusal after a write, or a lost key race). */
export class Rollback extends Error {
  constructor(readonly outcome: Result<never> | { replayOf: string }) {
    super('rollback');
  }
}

/** Canonical JSON (sorted keys) for request hashing. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** The hash an idempotency key is bound to: route, caller and body. */
export const requestHash = (route: string, actor: Principal, body: unknown): string =>
  createHash('sha256')
    .update(canonical({ route, user: actor.userId, body }))
    .digest('hex');

/** Runs sends under idempotency keys. */
export type IdempotentSends = ReturnType<typeof createIdempotentSends>;

/** Creates the idempotent runner of the send routes. */
export function createIdempotentSends(
  deps: SendBatchDeps & {
    db: Db;
    clock: Clock;
    /** Called after a transaction that queued a send committed (wakes the send worker). */
    onQueued?: (() => void) | undefined;
  },
) {
  const { db, clock } = deps;

  /** Stores the first answer of each keyed send in `tx`; false when another request holds a key. */
  const storeKeys = async (
    tx: Tx,
    organizationId: string,
    keyed: readonly { key: string; hash: string; message: Message }[],
  ): Promise<boolean> => {
    if (keyed.length === 0) return true;
    const now = clock.now();
    const cutoff = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
    const json = JSON.stringify(keyed.map((k) => ({ k: k.key, h: k.hash, r: k.message })));
    const stored = rowsOf(
      await tx.execute(sql`
        insert into idempotency_keys (organization_id, key, request_hash, status_code, response, created_at)
        select ${organizationId}, v.k, v.h, 202, v.r, ${now}
        from json_to_recordset(${json}::json) as v(k text, h text, r jsonb)
        on conflict (organization_id, key) do update set request_hash = excluded.request_hash,
          status_code = excluded.status_code, response = excluded.response, created_at = excluded.created_at
        where idempotency_keys.created_at < ${cutoff}
        returning key`),
    );
    return stored.length === keyed.length;
  };

  type Item = { send: BatchSend; key: string | null; hash: string };
  /** A group's batchable sends at once (send-batch.ts), each first answer stored under its key. */
  const batch: GroupBatch<Item> = async (tx, organizationId, items) => {
    // A key twice in one group: the first goes in the batch; the other runs after it and replays it.
    const keys = new Set<string>();
    const taken = items.map((it) => {
      if (it.key === null) return true;
      if (keys.has(it.key)) return false;
      keys.add(it.key);
      return true;
    });
    const picked = items.filter((_, i) => taken[i]);
    const queued = await queueSendBatch(
      tx,
      deps,
      organizationId,
      picked.map((it) => it.send),
    );
    const keyed = picked.flatMap((it, k) =>
      it.key !== null && queued[k] ? [{ key: it.key, hash: it.hash, message: queued[k].message }] : [],
    );
    // A key another request holds (a race the check before the group did not see): the group
    // goes one send at a time, where the loser answers with the winner's result.
    if (!(await storeKeys(tx, organizationId, keyed))) throw new BatchDeclined('an idempotency key is taken');
    let k = 0;
    return items.map((_, i) => {
      if (!taken[i]) return null;
      const q = queued[k++];
      return q ? { value: { message: q.message, replayed: false }, changes: q.changes, queued: true } : null;
    });
  };
  const groups = createSendGroups<Item>({ ...deps, batch });

  /** The stored first result of `key`, a conflict when the request differs, or null (unused key). */
  const storedResult = async (
    exec: Db | Tx,
    organizationId: string,
    key: string,
    hash: string,
  ): Promise<Result<SendResponse> | null> => {
    const cutoff = new Date(clock.now().getTime() - IDEMPOTENCY_TTL_MS);
    const [row] = await exec
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key)));
    if (!row || row.createdAt < cutoff) return null;
    if (row.requestHash !== hash)
      return fail('conflict', 'This Idempotency-Key was already used with a different request.');
    return ok({ message: row.response as Message, replayed: true });
  };

  /**
   * Runs `run` in a transaction under an idempotency key: a repeated key returns the stored first
   * result (or 409 when the request differs); a new key stores the result in the same transaction
   * as the writes, then the change log is recorded last (for the whole group of concurrent sends
   * the transaction holds). Refusals store nothing.
   */
  const idempotent = async (
    organizationId: string,
    key: string | null,
    hash: string,
    run: (tx: Tx) => Promise<Result<QueuedSend & { extraChanges?: Change[] }>>,
    /** The send as a batch takes it, when it is {@link batchable}: then `run` may not run. */
    batchSend?: BatchSend,
  ): Promise<Result<SendResponse>> => {
    if (key) {
      const stored = await storedResult(db, organizationId, key, hash);
      if (stored) return stored;
    }
    try {
      // The send joins its organization's next group transaction (send-groups.ts), which logs
      // the changes of all its sends last, in one clock bump, and answers after the commit.
      return ok(
        await groups.run(
          organizationId,
          async (tx) => {
            const outcome = await run(tx);
            if (!outcome.ok) throw new Rollback(outcome);
            const { message, changes, replayed, extraChanges = [] } = outcome.value;
            // A concurrent request with the same key committed first: ours rolls back, theirs answers.
            if (key && !replayed && !(await storeKeys(tx, organizationId, [{ key, hash, message }])))
              throw new Rollback({ replayOf: key });
            return {
              value: { message, replayed },
              changes: [...extraChanges, ...changes],
              queued: !replayed,
            };
          },
          batchSend && { send: batchSend, key, hash },
        ),
      );
    } catch (e) {
      if (e instanceof Rollback) {
        if ('replayOf' in e.outcome) {
          const stored = await storedResult(db, organizationId, e.outcome.replayOf, hash);
          if (stored) return stored;
          return fail('conflict', 'A request with this Idempotency-Key is in progress; retry in a moment.');
        }
        return e.outcome;
      }
      // Two first sends of one client message id raced: the loser answers with the winner's message.
      if (isUniqueViolation(e) && key) {
        const stored = await storedResult(db, organizationId, key, hash);
        if (stored) return stored;
      }
      throw e;
    }
  };

  /** The key a send is deduplicated by: the header, else the client's message id. */
  const keyOf = (header: string | undefined, body: { id?: string | undefined }) =>
    header ? `key:${header}` : body.id ? `message:${body.id}` : null;

  return { run: idempotent, keyOf };
}
