import type { ChangeEntry, LivePacket, MutationResult } from '#contract/sync/protocol';
import type { SyncTransport } from '../transport';
import { emptySummary, type ApplySummary } from '../apply/apply';
import { createBootstrap } from './bootstrap';
import { describe, type EngineContext } from './context';
import type { History } from './history';

/**
 * The sync lane (design/sync-protocol.md §2.4–2.6): one thing at a time, in order — a
 * re-bootstrap when the cursor fell below the log floor, the bootstrap phases, partial
 * bootstraps owed by group joins, cursor pulls until `hasMore` is false, then the live packets
 * buffered meanwhile. Each pull page or live packet is ONE transaction that applies the rows,
 * records mutation results, moves the cursor and confirms overlays.
 */

/** What the lane needs from the rest of the engine. */
export interface LaneLinks {
  /** Announces a committed transaction (`engine.ts`). */
  announce(sum: ApplySummary): void;
  history: Pick<History, 'hydrate' | 'recheck'>;
  /** Arms the next backfill step (`backfill.ts`). */
  scheduleBackfill(ms: number): void;
}

/** What a re-bootstrap empties, announced so the UI re-reads. */
const WIPED_TABLES = ['conversations', 'messages', 'contacts', 'notes'];

/** Builds the lane over the shared context. */
export function createLane(ctx: EngineContext, links: LaneLinks) {
  const { db, applier, outbox, syncState, timing, state } = ctx;
  const lane = state.lane;
  const bootstrap = createBootstrap(ctx, links);

  const announceWipe = (): void => links.announce({ ...emptySummary(), tables: new Set(WIPED_TABLES) });

  /** This client's mutation results in a live packet, if any. */
  const mine = (p: LivePacket): { results: MutationResult[]; lmid: number } | null => {
    const results = (p.mutationResults ?? []).filter((r) => r.clientId === ctx.deps.clientId);
    const lmid = p.lmid?.[ctx.deps.clientId];
    if (!results.length && lmid === undefined) return null;
    return { results, lmid: lmid ?? 0 };
  };

  /** Applies log-ordered entries and moves the cursor, all in one transaction. */
  const applyLog = (
    changes: readonly ChangeEntry[],
    cursor: number,
    tenantSeq: number,
    results: { results: readonly MutationResult[]; lmid: number } | null,
  ): void => {
    const sum = emptySummary();
    // Tombstones only guard against snapshots read before them; with none in flight, those the
    // cursor passed can go (in the same transaction, so a crash never splits the two).
    const prune = state.history.fetching.size === 0 && !state.history.rechecking;
    db.transaction(() => {
      applier.applyEntries(changes, { kind: 'log' }, sum);
      if (results) outbox.applyResults(results.results, results.lmid, sum);
      syncState.advance(cursor);
      syncState.heard(tenantSeq, 0);
      outbox.confirm(syncState.cursor(), sum);
      if (prune && sum.rechecks.length === 0) syncState.pruneTombstones(syncState.cursor());
    })();
    links.announce(sum);
  };

  /** The live rule of §2.6. Returns false on a gap (the caller pulls). */
  const handleLive = (p: LivePacket): boolean => {
    const cursor = syncState.cursor();
    if (p.seq <= cursor) return true;
    if (p.prev !== null && p.prev <= cursor) {
      applyLog(p.changes, p.seq, p.tenantSeq, mine(p));
      return true;
    }
    return false;
  };

  /** Marks the replica behind and starts the lane on this connection unless it runs already. */
  const requestSync = (): void => {
    lane.catchUpWanted = true;
    state.live = false;
    // A lane of an older connection exits at its next check without applying anything.
    if ((!lane.task || lane.task.gen !== state.generation) && state.conn === 'connected') {
      const task = { gen: state.generation, done: Promise.resolve() };
      task.done = run(state.generation)
        .catch(ctx.report('sync lane'))
        .finally(() => {
          if (lane.task === task) lane.task = null;
        });
      lane.task = task;
    }
    ctx.emitStatus();
  };

  /**
   * A live packet from the socket. While the lane catches up it is buffered (false: nothing was
   * applied); once live it is applied by the live rule, or a gap starts a pull (true).
   */
  const receive = (p: LivePacket): boolean => {
    // `live` is false from requestSync until the lane has drained the buffer.
    if (!state.live) {
      lane.buffer.push(p);
      if (lane.buffer.length > timing.maxBuffered) lane.buffer = [];
      return false;
    }
    if (!handleLive(p)) requestSync();
    return true;
  };

  const run = async (gen: number): Promise<void> => {
    const current = () => state.running && state.conn === 'connected' && gen === state.generation;
    try {
      while (current()) {
        const st = syncState.get();
        if (st.bootstrapPhase >= 3 && state.hello && st.cursor < state.hello.floorSeq) {
          // The log no longer reaches the cursor (decision 5): re-bootstrap, keeping the outbox.
          db.transaction(() => syncState.wipeForRebootstrap())();
          announceWipe();
          continue;
        }
        if (st.bootstrapPhase < 3) {
          await bootstrap.full(st.bootstrapPhase, gen);
          lane.catchUpWanted = true;
          continue;
        }
        const group = st.pendingGroups[0];
        if (group) {
          await bootstrap.group(group, gen);
          continue;
        }
        if (lane.catchUpWanted) {
          lane.catchUpWanted = false;
          await pullUntilCaughtUp(gen);
          continue;
        }
        if (lane.buffer.length) {
          const packets = lane.buffer.sort((a, b) => a.seq - b.seq);
          lane.buffer = [];
          for (let i = 0; i < packets.length; i++) {
            if (!handleLive(packets[i]!)) {
              lane.buffer = packets.slice(i).concat(lane.buffer);
              lane.catchUpWanted = true;
              break;
            }
          }
          continue;
        }
        state.live = true;
        state.progress = null;
        state.lastError = null;
        lane.attempt = 0;
        if (state.history.hydrateWanted) ctx.spawn('hydrate', links.history.hydrate(gen));
        if (st.rechecks.length) ctx.spawn('recheck', links.history.recheck(gen));
        break;
      }
    } catch (e) {
      if (!current()) return;
      state.lastError = describe(e, 'Sync failed');
      ctx.logger.warn('sync: lane failed; retrying', { error: String(e) });
      ctx.after(ctx.backoff(lane.attempt++), () => {
        if (current()) requestSync();
      });
    } finally {
      ctx.emitStatus();
      if (current() && state.live) links.scheduleBackfill(timing.backfillStepMs);
    }
  };

  const pullUntilCaughtUp = async (gen: number): Promise<void> => {
    const start = syncState.cursor();
    const fetchPage = (cursor: number, lmid: number): ReturnType<SyncTransport['pull']> =>
      ctx.withToken((t) =>
        ctx.transport.pull({ cursor, limit: timing.pullLimit, clientId: ctx.deps.clientId, lmid }, t),
      );
    /** The next page, asked for while the previous one was applied, and what it was asked from. */
    let next: { cursor: number; lmid: number; page: ReturnType<typeof fetchPage> } | null = null;
    for (;;) {
      const st = syncState.get();
      // A prefetched page is used only if it starts exactly where the replica now stands.
      const prefetched: ReturnType<SyncTransport['pull']> | null =
        next && next.cursor === st.cursor && next.lmid === st.lmid ? next.page : null;
      next = null;
      const res: Awaited<ReturnType<SyncTransport['pull']>> = await (prefetched ??
        fetchPage(st.cursor, st.lmid));
      if (gen !== state.generation) return;
      if ('mustRebootstrap' in res) {
        db.transaction(() => {
          syncState.heard(res.tenantSeq, res.floorSeq);
          syncState.wipeForRebootstrap();
        })();
        announceWipe();
        return;
      }
      // Ask for the next page before applying this one: the server reads it (and the wire
      // carries it) while this thread writes SQLite, instead of one waiting for the other.
      if (res.hasMore) {
        const page = fetchPage(res.nextCursor, Math.max(st.lmid, res.lmid));
        page.catch(() => undefined); // awaited (and its error handled) on the next turn, or dropped
        next = { cursor: res.nextCursor, lmid: Math.max(st.lmid, res.lmid), page };
      }
      applyLog(res.changes, res.nextCursor, res.tenantSeq, { results: res.mutationResults, lmid: res.lmid });
      state.progress = {
        done: Math.max(0, res.nextCursor - start),
        total: Math.max(0, res.tenantSeq - start),
      };
      ctx.emitStatus();
      if (!res.hasMore) return;
    }
  };

  return { requestSync, receive };
}

/** The lane's type. */
export type Lane = ReturnType<typeof createLane>;
