import type { BootstrapTrailer, PutEntry } from '#contract/sync/protocol';
import { emptySummary, type ApplySummary } from '../apply/apply';
import { TransportError } from '../transport';
import type { EngineContext } from './context';

/**
 * Bootstraps (design/sync-protocol.md §2.11): the three phases of a fresh or wiped replica, and
 * the partial bootstrap a `group_join` owes. Each streamed chunk is one transaction (the inbox is
 * usable after the first), and the trailer's counts are checked. Only the sync lane runs these,
 * so no revoke is applied while a snapshot streams.
 */

/** What bootstraps need from the rest of the engine. */
export interface BootstrapLinks {
  /** Announces a committed transaction (`engine.ts`). */
  announce(sum: ApplySummary): void;
}

/** Builds the bootstrap part over the shared context. */
export function createBootstrap(ctx: EngineContext, links: BootstrapLinks) {
  const { db, applier, state } = ctx;

  /** Applies a snapshot chunk (bootstrap lines) in one transaction. */
  const applySnapshot = (
    puts: PutEntry[],
    floors: { conversationId: string; convSeq: number }[],
    snapshotSeq: number,
  ) => {
    const sum = emptySummary();
    db.transaction(() => {
      applier.applyEntries(puts, { kind: 'snapshot', snapshotSeq, current: true }, sum);
      for (const f of floors)
        if (
          applier.hasConversation(f.conversationId) &&
          !applier.isRevokedAfter(f.conversationId, snapshotSeq)
        )
          applier.lowerFloor(f.conversationId, f.convSeq);
    })();
    // A bootstrap chunk touches many conversations: the UI re-queries what it shows.
    sum.conversationIds.clear();
    links.announce(sum);
  };

  /** Streams one bootstrap request; returns its checked trailer. */
  const stream = async (
    q: { phase: number; group?: string },
    snapshotFloor: number,
    gen: number,
  ): Promise<BootstrapTrailer> => {
    const counts: Record<string, number> = {};
    let trailer: BootstrapTrailer | null = null;
    await ctx.withToken((t) =>
      ctx.transport.bootstrap(q, t, (lines) => {
        if (gen !== state.generation) throw new TransportError('closed', 'The connection changed.');
        const puts: PutEntry[] = [];
        const floors: { conversationId: string; convSeq: number }[] = [];
        for (const l of lines) {
          if ('snapshotSeq' in l) trailer = l;
          else if ('floor' in l) floors.push(l.floor);
          else {
            puts.push(l);
            counts[l.e] = (counts[l.e] ?? 0) + 1;
          }
        }
        applySnapshot(puts, floors, snapshotFloor);
      }),
    );
    const t = trailer as BootstrapTrailer | null;
    if (!t) throw new TransportError('bad_response', 'The bootstrap stream ended early.');
    for (const [e, n] of Object.entries(t.counts))
      if ((counts[e] ?? 0) !== n)
        throw new TransportError('bad_response', `Bootstrap counts differ for ${e}.`);
    return t;
  };

  /** Runs the remaining full-bootstrap phases, recording each as it completes. */
  const full = async (fromPhase: number, gen: number): Promise<void> => {
    for (let phase = fromPhase; phase <= 2; phase++) {
      state.progress = { done: phase, total: 3 };
      ctx.emitStatus();
      // No revoke can be applied while the lane runs, and a fresh or wiped replica has no
      // tombstones: nothing the snapshot brings can be older than a revoke seen here.
      const t = await stream({ phase }, Number.MAX_SAFE_INTEGER, gen);
      if (gen !== state.generation) return;
      db.transaction(() => ctx.syncState.completePhase(phase, t.snapshotSeq))();
    }
  };

  /** The partial bootstrap of a group just joined, read after the cursor. */
  const group = async (name: string, gen: number): Promise<void> => {
    await stream({ phase: 1, group: name }, ctx.syncState.cursor(), gen);
    if (gen !== state.generation) return;
    db.transaction(() => ctx.syncState.groupDone(name))();
  };

  return { full, group };
}

/** The bootstrap part's type. */
export type Bootstrap = ReturnType<typeof createBootstrap>;
