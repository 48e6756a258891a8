import type { MessagePage } from '#contract/ipc/contract';
import { SYNC_LIMITS } from '#contract/sync/protocol';
import { emptySummary, type ApplySummary } from '../apply/apply';
import { describe, type EngineContext } from './context';

/**
 * History beside the log (design/sync-protocol.md §2.10–2.11): the thread page with lazy
 * loading below each conversation's `history_floor`, self-repair of conversations that arrived
 * without their contact, and the re-checks owed after a `group_leave` dropped a conversation.
 * A history page is a snapshot read at its `snapshotSeq`: it lands only on a conversation the
 * replica still holds, and never when a revoke newer than the snapshot was seen here.
 */

/** What history needs from the rest of the engine. */
export interface HistoryLinks {
  /** Announces a committed transaction (`engine.ts`). */
  announce(sum: ApplySummary): void;
}

/** Builds the history part over the shared context. */
export function createHistory(ctx: EngineContext, links: HistoryLinks) {
  const { db, applier, transport, state } = ctx;
  const h = state.history;

  /** Fetches the page below `beforeConvSeq` (the newest page when undefined); one per conversation. */
  const fetch = (conversationId: string, beforeConvSeq: number | undefined): Promise<void> => {
    const running = h.fetching.get(conversationId);
    if (running) return running;
    const gen = state.generation;
    const p = (async () => {
      try {
        const res = await ctx.withToken((t) =>
          transport.history({ conversationId, beforeConvSeq, limit: SYNC_LIMITS.historyDefault }, t),
        );
        if (gen !== state.generation) return;
        h.errors.delete(conversationId);
        if (!res) return;
        const sum = emptySummary();
        db.transaction(() => {
          if (
            !applier.hasConversation(conversationId) ||
            applier.isRevokedAfter(conversationId, res.snapshotSeq)
          )
            return;
          const floor = applier.floor(conversationId);
          applier.applyEntries(res.changes, { kind: 'snapshot', snapshotSeq: res.snapshotSeq }, sum);
          const contiguous = beforeConvSeq === undefined || (floor !== null && beforeConvSeq <= floor);
          if (!contiguous) return;
          if (!res.hasMore) applier.lowerFloor(conversationId, 1);
          else if (res.lowestConvSeq !== null) applier.lowerFloor(conversationId, res.lowestConvSeq);
          sum.tables.add('messages');
        })();
        sum.conversationIds.add(conversationId);
        links.announce(sum);
      } catch (e) {
        if (gen !== state.generation) return;
        h.errors.set(conversationId, describe(e, 'Older messages could not be loaded'));
        links.announce({
          ...emptySummary(),
          tables: new Set(['messages']),
          conversationIds: new Set([conversationId]),
        });
      }
    })().finally(() => h.fetching.delete(conversationId));
    h.fetching.set(conversationId, p);
    return p;
  };

  /**
   * Self-repair: conversations whose contact never arrived (a grant pointer or a hydrate fetch
   * that failed) get their newest history page again, with backoff, until they are whole.
   */
  const missingContact = db
    .prepare(
      `SELECT c.id FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM contacts ct WHERE ct.id = c.contact_id) LIMIT 20`,
    )
    .pluck();
  const hydrate = async (gen: number): Promise<void> => {
    h.hydrateWanted = false;
    const ids = missingContact.all() as string[];
    for (const id of ids) await fetch(id, undefined);
    if (gen !== state.generation || !ids.length) return;
    if (ids.some((id) => h.errors.has(id)) || missingContact.all().length) {
      h.hydrateWanted = true;
      ctx.after(ctx.backoff(h.hydrateAttempt++), () => {
        if (gen === state.generation && state.live) ctx.spawn('hydrate', hydrate(gen));
      });
    } else h.hydrateAttempt = 0;
  };

  /** Re-checks conversations dropped on a group_leave (see the applier): re-added if visible. */
  const recheck = async (gen: number): Promise<void> => {
    if (h.rechecking) return;
    h.rechecking = true;
    try {
      for (;;) {
        const id = ctx.syncState.get().rechecks[0];
        if (!id || gen !== state.generation || !state.running) return;
        const res = await ctx.withToken((t) =>
          transport.history({ conversationId: id, limit: SYNC_LIMITS.historyDefault }, t),
        );
        if (gen !== state.generation) return;
        const sum = emptySummary();
        db.transaction(() => {
          if (res && !applier.isRevokedAfter(id, res.snapshotSeq)) {
            applier.applyEntries(res.changes, { kind: 'snapshot', snapshotSeq: res.snapshotSeq }, sum);
            if (applier.hasConversation(id)) {
              if (!res.hasMore) applier.lowerFloor(id, 1);
              else if (res.lowestConvSeq !== null) applier.lowerFloor(id, res.lowestConvSeq);
            }
          }
          ctx.syncState.recheckDone(id);
        })();
        h.recheckAttempt = 0;
        links.announce(sum);
      }
    } catch (e) {
      if (gen !== state.generation) return;
      ctx.logger.warn('sync: re-check failed; retrying', { error: String(e) });
      ctx.after(ctx.backoff(h.recheckAttempt++), () => {
        if (gen === state.generation && state.live) ctx.spawn('recheck', recheck(gen));
      });
    } finally {
      h.rechecking = false;
    }
  };

  /** A thread page from the replica; starts a history fetch when older messages are not held. */
  const page = (conversationId: string, beforeConvSeq: number | undefined, limit: number): MessagePage => {
    const r = ctx.deps.queries.messages(conversationId, beforeConvSeq, limit);
    let hasOlder: boolean;
    if (r.full) {
      hasOlder = (r.lowest ?? 1) > 1;
    } else if (r.floor === 1) {
      hasOlder = false;
    } else {
      hasOlder = true;
      if (state.running && applier.hasConversation(conversationId)) {
        ctx.spawn('history', fetch(conversationId, r.floor === null ? undefined : r.floor));
      }
    }
    return {
      items: r.items,
      hasOlder,
      loadingOlder: h.fetching.has(conversationId),
      historyError: h.errors.get(conversationId) ?? null,
      nextBeforeConvSeq: hasOlder ? (r.lowest ?? beforeConvSeq ?? null) : null,
    };
  };

  return { fetch, hydrate, recheck, page };
}

/** The history part's type. */
export type History = ReturnType<typeof createHistory>;
