import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  MUTATOR_VERSION,
  mutationArgs,
  type MutationError,
  type MutationName,
  type MutationResult,
  type PushAck,
  type RawMutation,
} from '#contract/sync/protocol';
import type { Role } from '#contract/domain/roles';
import type { Clock } from '../../lib/clock';
import { recordChanges, rowsOf } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { readClock } from './clients';
import { mutators, type AfterCommit, type MutatorDeps, type MutatorOutcome } from './mutators';
import { loadViewer } from '../visibility/queries';

// The mutation ledger (sync-protocol §2.7). Each mutation runs in its own transaction:
//   1. lock the client's `sync_clients` row (orders concurrent pushes of one client);
//   2. `mid ≤ lmid`: already processed — answer the stored result, write nothing;
//   3. validate the args of its name, re-authorize against current state, run the mutator;
//   4. set `last_mutation_id = mid`, store the result;
//   5. log the changes LAST (the clock row lock), with the mutation's provenance, and commit.
// A permanent refusal is recorded as processed (`rejected`) in a second transaction after the
// first rolled back, so the client's queue never blocks. A transient failure (database
// unreachable, serialization failure) stops the frame with a retryable error; what was
// processed before it stays processed and comes back as stored results on the retry.
// Mutation ids may have gaps (the contract allows discarding a never-pushed mutation): a
// mutation is applied iff `mid > lmid`.

/** The oldest mutator version this server still applies (the last 90 days' apps, §2.12). */
export const MIN_MUTATOR_VERSION = 1;

/** Dependencies of {@link createMutationLedger}. */
export type LedgerDeps = {
  db: Db;
  clock: Clock;
  mutator: MutatorDeps;
  /** Runs after a mutation that queued outbound work committed. */
  afterCommit?: (what: AfterCommit) => void;
  /** An unexpected (non-transient) error in a mutator; the mutation is rejected `internal`. */
  onError?: (error: unknown, mutation: RawMutation) => void;
};

/** Who pushes: from the authenticated socket, never from the frame. */
export type Pusher = { organizationId: string; userId: string; sessionId: string; clientId: string };

/** The outcome of a push frame: the ack, or "this app is too old" (sync:update_required). */
export type PushOutcome = { ack: PushAck; updateRequired?: { minMutatorVersion: number } };

class Rejected extends Error {
  constructor(readonly error: MutationError) {
    super(error.code);
  }
}

/** SQLSTATE classes and network errors that mean "try again later", not "this mutation is wrong". */
export function isTransient(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  if (/^(08|40|53|57)/.test(code) || code === '55P03') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  const message = typeof err.message === 'string' ? err.message : '';
  if (
    /connection terminated|timeout exceeded when trying to connect|client has encountered a connection error/i.test(
      message,
    )
  )
    return true;
  return err.cause !== undefined && err.cause !== e ? isTransient(err.cause) : false;
}

/** Creates the ledger. */
export function createMutationLedger(deps: LedgerDeps) {
  const { db, clock } = deps;

  /** Locks the client row of the pusher; null when it is not theirs. */
  const lockClient = async (tx: Tx, p: Pusher): Promise<number | null> => {
    const [row] = rowsOf<{ last_mutation_id: string | number }>(
      await tx.execute(sql`
        select last_mutation_id from sync_clients
        where client_id = ${p.clientId} and organization_id = ${p.organizationId} and user_id = ${p.userId}
        for update`),
    );
    return row ? Number(row.last_mutation_id) : null;
  };

  const storedResult = async (tx: Db | Tx, clientId: string, mid: number): Promise<MutationResult> => {
    const [row] = rowsOf<{ status: string; seq: string | number | null; error: MutationError | null }>(
      await tx.execute(sql`
        select status, seq, error from sync_mutation_results where client_id = ${clientId} and mutation_id = ${mid}`),
    );
    // Results are kept 30 days; an older replay is reported applied at seq 0 (nothing to wait for).
    if (!row) return { mid, status: 'applied', seq: 0 };
    return {
      mid,
      status: row.status === 'rejected' ? 'rejected' : 'applied',
      seq: Number(row.seq ?? 0),
      ...(row.error && { error: row.error }),
    };
  };

  const writeResult = async (
    tx: Tx,
    p: Pusher,
    mid: number,
    status: 'applied' | 'rejected',
    error: MutationError | null,
    seq: number | null,
  ) => {
    await tx.execute(sql`
      update sync_clients set last_mutation_id = ${mid}, last_seen_at = ${clock.now()}
      where client_id = ${p.clientId}`);
    await tx.execute(sql`
      insert into sync_mutation_results (client_id, mutation_id, organization_id, seq, status, error, created_at)
      values (${p.clientId}, ${mid}, ${p.organizationId},
        ${seq === null ? sql`(select seq from sync_clock where organization_id = ${p.organizationId})` : sql`${seq}`},
        ${status}, ${error === null ? null : JSON.stringify(error)}::jsonb, ${clock.now()})`);
  };

  /** Validates a raw mutation; a permanent problem is a rejection. */
  const validate = (m: RawMutation): { name: MutationName; args: unknown } | MutationError => {
    if (m.mutatorVersion > MUTATOR_VERSION)
      return {
        code: 'unsupported',
        message: `This server does not know mutator version ${m.mutatorVersion}.`,
      };
    if (!(m.name in mutationArgs)) return { code: 'unsupported', message: `Unknown change “${m.name}”.` };
    const name = m.name as MutationName;
    const parsed = (mutationArgs[name] as z.ZodType).safeParse(m.args);
    if (!parsed.success) {
      // Name the field, as REST's 400 does, so the author knows what to fix.
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.');
      return {
        code: 'invalid',
        message: issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'The change is not valid.',
      };
    }
    return { name, args: parsed.data };
  };

  /** Processes one mutation; returns its result, or null when the client row is not the pusher's. */
  const processOne = async (
    p: Pusher,
    m: RawMutation,
  ): Promise<{ result: MutationResult; after: AfterCommit[] } | null> => {
    const mid = m.mutationId;
    try {
      return await db.transaction(async (tx) => {
        const last = await lockClient(tx, p);
        if (last === null) return null;
        if (mid <= last) return { result: await storedResult(tx, p.clientId, mid), after: [] };
        const checked = validate(m);
        if ('code' in checked) throw new Rejected(checked);
        const viewer = await loadViewer(tx, p.organizationId, p.userId);
        if (!viewer.active)
          throw new Rejected({ code: 'forbidden', message: 'Your membership is not active.' });
        const now = clock.now();
        const run = mutators[checked.name] as (
          ctx: Parameters<(typeof mutators)['note.add']>[0],
          args: unknown,
        ) => Promise<MutatorOutcome>;
        const outcome = await run(
          {
            tx,
            deps: deps.mutator,
            organizationId: p.organizationId,
            actor: {
              userId: p.userId,
              organizationId: p.organizationId,
              role: viewer.role as Role,
              sessionId: p.sessionId,
            },
            viewer,
            now,
          },
          checked.args,
        );
        if (!outcome.ok) throw new Rejected(outcome.error);
        const { changes, existingVersion, after = [] } = outcome.value;
        if (changes.length === 0) {
          const seq = existingVersion ?? (await readClock(tx, p.organizationId)).seq;
          await writeResult(tx, p, mid, 'applied', null, seq);
          return { result: { mid, status: 'applied' as const, seq }, after };
        }
        await tx.execute(sql`
          update sync_clients set last_mutation_id = ${mid}, last_seen_at = ${now} where client_id = ${p.clientId}`);
        // The clock row lock, taken last; the result row reads the seq it allocated.
        const recorded = await recordChanges(
          tx,
          p.organizationId,
          changes.map((c) => ({ ...c, clientId: p.clientId, mutationId: mid })),
        );
        const seq = recorded!.seq;
        await tx.execute(sql`
          insert into sync_mutation_results (client_id, mutation_id, organization_id, seq, status, error, created_at)
          values (${p.clientId}, ${mid}, ${p.organizationId}, ${seq}, 'applied', null, ${now})`);
        return { result: { mid, status: 'applied' as const, seq }, after };
      });
    } catch (thrown) {
      if (!(thrown instanceof Rejected) && isTransient(thrown)) throw thrown;
      // A bug in a mutator must not block the client's queue forever: it is rejected, logged.
      if (!(thrown instanceof Rejected)) deps.onError?.(thrown, m);
      const e =
        thrown instanceof Rejected
          ? thrown
          : new Rejected({ code: 'internal', message: 'The server could not apply this change.' });
      // Recorded as processed so the queue moves on; nothing of the mutation was written.
      return db.transaction(async (tx) => {
        const last = await lockClient(tx, p);
        if (last === null) return null;
        if (mid <= last) return { result: await storedResult(tx, p.clientId, mid), after: [] };
        await writeResult(tx, p, mid, 'rejected', e.error, null);
        const { seq } = await readClock(tx, p.organizationId);
        return { result: { mid, status: 'rejected' as const, seq, error: e.error }, after: [] };
      });
    }
  };

  return {
    /**
     * Applies a push frame of `pusher`'s client in order. Every mutation must carry the
     * socket's client id (else `wrong_client`, nothing processed).
     */
    push: async (pusher: Pusher, mutations: readonly RawMutation[]): Promise<PushOutcome> => {
      if (mutations.some((m) => m.clientId !== pusher.clientId))
        return {
          ack: {
            ok: false,
            error: { code: 'wrong_client', message: 'Mutations of another client.', retryable: false },
          },
        };
      const tooOld = mutations.find((m) => m.mutatorVersion < MIN_MUTATOR_VERSION);
      if (tooOld)
        return {
          ack: {
            ok: false,
            error: { code: 'bad_frame', message: 'This app is too old for the server.', retryable: false },
          },
          updateRequired: { minMutatorVersion: MIN_MUTATOR_VERSION },
        };
      const results: MutationResult[] = [];
      let maxSeq = -1;
      for (const m of mutations) {
        let done: Awaited<ReturnType<typeof processOne>>;
        try {
          done = await processOne(pusher, m);
        } catch (e) {
          if (!isTransient(e)) throw e;
          return {
            ack: {
              ok: false,
              error: {
                code: 'unavailable',
                message: 'The server could not save your changes right now; they will be sent again.',
                retryable: true,
                retryAfterMs: 1_000,
              },
            },
          };
        }
        if (!done)
          return {
            ack: {
              ok: false,
              error: { code: 'wrong_client', message: 'This client is not yours.', retryable: false },
            },
          };
        results.push(done.result);
        if (done.result.status === 'applied') maxSeq = Math.max(maxSeq, done.result.seq);
        for (const a of done.after) deps.afterCommit?.(a);
      }
      const [row] = rowsOf<{ last_mutation_id: string | number }>(
        await db.execute(sql`select last_mutation_id from sync_clients where client_id = ${pusher.clientId}`),
      );
      const seq = maxSeq >= 0 ? maxSeq : (await readClock(db, pusher.organizationId)).seq;
      return { ack: { ok: true, lmid: Number(row?.last_mutation_id ?? 0), seq, results } };
    },
  };
}

/** The ledger's API. */
export type MutationLedger = ReturnType<typeof createMutationLedger>;
