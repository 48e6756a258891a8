import { SYNC_LIMITS } from '#contract/sync/protocol';
import type { EngineContext } from './context';
import type { History } from './history';

/**
 * The background backfill (design/sync-protocol.md §2.11 step 5, decision 3): once the lane is
 * live and the person has been idle a while, one history page per step for conversations active
 * in the last 90 days, newest first, until each one's floor reaches 1 or the horizon. Pausable;
 * resumable because the floors are the progress.
 */

/** What the backfill needs from the rest of the engine. */
export interface BackfillLinks {
  history: Pick<History, 'fetch'>;
}

/** Builds the backfill part over the shared context. */
export function createBackfill(ctx: EngineContext, links: BackfillLinks) {
  const { db, applier, timing, state } = ctx;
  const b = state.backfill;
  const next = db.prepare(
    `SELECT id, sort_at FROM conversations WHERE sort_at >= ? AND (sort_at, id) < (?, ?)
     ORDER BY sort_at DESC, id DESC LIMIT 20`,
  );
  const oldestHeld = db
    .prepare(
      `SELECT json_extract(row, '$.createdAt') FROM messages WHERE conversation_id = ? ORDER BY conv_seq LIMIT 1`,
    )
    .pluck();

  /** Arms the next step unless backfill is off or a step is already armed. */
  const schedule = (ms: number): void => {
    if (ctx.deps.backfill === false || b.timer !== null) return;
    b.timer = ctx.after(ms, () => {
      b.timer = null;
      ctx.spawn('backfill', step());
    });
  };

  /** One page of background history: yields to the person, to other fetches and to the lane. */
  const step = async (): Promise<void> => {
    if (!state.running || state.conn !== 'connected' || !state.live || ctx.syncState.get().backfillPaused)
      return;
    const now = ctx.clock.now();
    if (now - b.lastActivity < timing.backfillIdleMs || state.history.fetching.size > 0) {
      schedule(timing.backfillIdleMs);
      return;
    }
    const horizon = now - SYNC_LIMITS.backfillDays * 86_400_000;
    const horizonIso = new Date(horizon).toISOString();
    for (;;) {
      const pos = b.after ?? { sortAt: Number.MAX_SAFE_INTEGER, id: '' };
      const rows = next.all(horizon, pos.sortAt, pos.id) as { id: string; sort_at: number }[];
      if (rows.length === 0) return; // done until the next restart or reconnect
      for (const r of rows) {
        b.after = { sortAt: r.sort_at, id: r.id };
        const floor = applier.floor(r.id);
        if (floor === 1) continue;
        const oldest = oldestHeld.get(r.id) as string | undefined;
        if (floor !== null && oldest !== undefined && oldest < horizonIso) continue;
        await links.history.fetch(r.id, floor ?? undefined);
        // Revisit this conversation next step while its floor moves; skip it on an error or
        // when a page brought nothing new.
        const moved = applier.floor(r.id) !== floor && !state.history.errors.has(r.id);
        if (moved) b.after = { sortAt: r.sort_at, id: `${r.id}\u0000` };
        schedule(timing.backfillStepMs);
        return;
      }
    }
  };

  /** Pauses or resumes (a resume walks from the newest conversation again). */
  const setPaused = (paused: boolean): boolean => {
    ctx.syncState.setBackfillPaused(paused);
    if (!paused) {
      b.after = null;
      schedule(timing.backfillStepMs);
    }
    return paused;
  };

  return { schedule, setPaused };
}

/** The backfill part's type. */
export type Backfill = ReturnType<typeof createBackfill>;
