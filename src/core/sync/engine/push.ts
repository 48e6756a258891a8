import { SYNC_LIMITS } from '#contract/sync/protocol';
import { emptySummary, type ApplySummary } from '../apply/apply';
import { describe, type EngineContext } from './context';

/**
 * The push loop (design/sync-protocol.md §2.7): the outbox in id order, at most 100 mutations
 * per `sync:push`, one batch in flight, backoff 1 s … 30 s, immediately again on reconnect or on
 * any frame from the server. Acks record results and confirm overlays the cursor already passed;
 * an ack ahead of the cursor makes the lane pull if no packet brings the cursor there soon
 * (confirmation follows the cursor, §2.1 rule 6).
 */

/** What the push loop needs from the rest of the engine. */
export interface PushLinks {
  /** Announces a committed transaction (`engine.ts`). */
  announce(sum: ApplySummary): void;
  /** Starts a catch-up (`lane.ts`). */
  requestSync(): void;
}

/** Builds the push part over the shared context. */
export function createPush(ctx: EngineContext, links: PushLinks) {
  const { db, outbox, syncState, timing, state } = ctx;
  const push = state.push;

  /** Runs the loop unless it runs already or a retry waits; `immediate` cancels that wait. */
  const kick = (immediate: boolean): void => {
    if (immediate) {
      push.attempt = 0;
      ctx.cancel(push.timer);
      push.timer = null;
    }
    if ((push.task && push.task.gen === state.generation) || push.timer !== null) return;
    const task = { gen: state.generation, done: Promise.resolve() };
    task.done = loop()
      .catch(ctx.report('push'))
      .finally(() => {
        if (push.task === task) push.task = null;
      });
    push.task = task;
  };

  const retry = (hintMs?: number): void => {
    const delay = Math.max(hintMs ?? 0, ctx.backoff(push.attempt++));
    ctx.cancel(push.timer);
    push.timer = ctx.after(delay, () => {
      push.timer = null;
      kick(false);
    });
  };

  /**
   * Any frame from the server proves the path works again: a push waiting out its backoff goes
   * now, so queued writes drain within a tick of a network heal instead of up to 30 s later.
   */
  const revive = (): void => {
    if (push.timer !== null) kick(true);
  };

  const loop = async (): Promise<void> => {
    const gen = state.generation;
    const current = () =>
      state.running &&
      state.conn === 'connected' &&
      state.hello !== null &&
      gen === state.generation &&
      !state.updateRequired;
    while (current()) {
      let batch = outbox.nextBatch(SYNC_LIMITS.pushBatchMax);
      if (batch.length === 0) return;
      let held: string | null = null;
      if (ctx.deps.beforePush) {
        const prep = await ctx.deps.beforePush(batch);
        if (!current()) return;
        links.announce(prep.sum);
        if (prep.changed) batch = outbox.nextBatch(SYNC_LIMITS.pushBatchMax);
        if (prep.hold !== null) {
          const hold = prep.hold;
          batch = batch.filter((b) => b.mutationId < hold);
          held = prep.error ?? 'Waiting to upload a file';
        }
        if (batch.length === 0) {
          if (held === null) continue;
          state.lastError = held;
          retry();
          ctx.emitStatus();
          return;
        }
      }
      const mids = batch.map((b) => b.mutationId);
      outbox.markAttempt(mids);
      for (const m of mids) push.inFlight.add(m);
      ctx.emitStatus();
      let ack;
      try {
        ack = await ctx.transport.push(
          { mutations: batch.map((b) => outbox.toWire(b, ctx.deps.clientId)) },
          timing.pushTimeoutMs,
        );
      } catch (e) {
        if (gen === state.generation) {
          state.lastError = describe(e, 'Could not send changes');
          retry();
        }
        return;
      } finally {
        for (const m of mids) push.inFlight.delete(m);
      }
      if (gen !== state.generation) return;
      if (!ack.ok) {
        state.lastError = ack.error.message;
        retry(ack.error.retryAfterMs);
        ctx.emitStatus();
        return;
      }
      const sum = emptySummary();
      const results = ack.results;
      db.transaction(() => {
        outbox.applyResults(results, ack.lmid, sum);
        outbox.confirm(syncState.cursor(), sum);
      })();
      links.announce(sum);
      if (ack.seq > syncState.cursor()) awaitCursor(ack.seq);
      if (held !== null) {
        state.lastError = held;
        retry();
        ctx.emitStatus();
        return;
      }
      push.attempt = 0;
    }
  };

  /** The cursor must reach an ack's seq for confirmation; if no packet brings it there soon, pull. */
  const awaitCursor = (seq: number): void => {
    if (seq <= push.awaitedSeq) return;
    push.awaitedSeq = seq;
    const gen = state.generation;
    ctx.after(timing.ackCatchUpMs, () => {
      if (gen === state.generation && state.running && state.conn === 'connected' && syncState.cursor() < seq)
        links.requestSync();
    });
  };

  return { kick, revive };
}

/** The push part's type. */
export type Push = ReturnType<typeof createPush>;
