import { sql } from 'drizzle-orm';
import { SYNC_LIMITS } from '#contract/sync/protocol';
import type { Leases } from '../../../storage/lease';
import { rowsOf } from '../../../storage/change-log';
import type { Db } from '../../../storage/db';
import { readClock } from '../clients';
import { readLog, type LogEntry } from '../log';
import type { ToAccount } from '../projection';
import { AclCache } from './acl-cache';
import { emitPackets, emitTicks, type Delivered, type TailerEmitter } from './packets';
import { readBatchRows, readProvenance } from './read-batch';
import { routeBatch } from './route-batch';
import type { StageTimings } from '../../../lib/stage-timings';

// The tailers of one process (sync-protocol §2.6): exactly one per organization reads the log in
// seq order behind the NOTIFYs that `recordChanges` sends and turns each batch into one packet
// per user. This file schedules them — which organizations this process tails, the drain loop,
// leases, heartbeats; a batch goes through `read-batch.ts` (current rows, mutation provenance),
// `route-batch.ts` (who gets what, with the ACL cache `acl-cache.ts` moved forward by the stream)
// and `packets.ts` (one packet per user, identical ones share an emit, into the emitter port).
//
// On PGlite the process is the database's only client and tails every organization. On
// PostgreSQL a lease per organization (a row of the jobs table, renewed while held) makes one
// process its tailer; the others only remember the last seq they were notified of, so a
// process that takes over starts exactly where the notifications it saw left off.

/** Dependencies of {@link createTailerHub}. */
export type TailerDeps = {
  db: Db;
  toAccount: ToAccount;
  emit: TailerEmitter;
  /** PostgreSQL only: leases make one process the tailer of each organization. */
  leases?: Pick<Leases, 'acquire' | 'release' | 'renewAll'> | undefined;
  /** This process's lease holder id. */
  holder: string;
  log?: (msg: string, err?: unknown) => void;
  /** Heartbeat period (default {@link SYNC_LIMITS.tickIntervalMs}). */
  tickMs?: number;
  /**
   * Lease length (default 4 s; renewed every third of it, one statement for all held
   * organizations). It bounds how long an organization's live fan-out stops when its tailer's
   * process stalls or loses the database; a process that dies frees its leases at once through
   * its listener's presence session (storage/lease.ts; the cluster fault suite measured 5.2 s of
   * convergence after a kill -9 waiting for this lease, 0.1 s with presence).
   */
  leaseMs?: number;
  /** Log entries read per batch (default 2000). */
  batchSize?: number;
  /**
   * Whether a NOTIFY may make this process an organization's tailer: always on PGlite and when
   * emits reach every process (Redis adapter); without a shared adapter only for organizations
   * with sockets here (else a process without their sockets could take the lease and emit into
   * the void). Default: always.
   */
  mayTail?: (org: string) => boolean;
  /** The stage clock (issue 15): notified, routed and emitted batches. */
  timings?: Pick<StageTimings, 'notified' | 'routed' | 'emitted'> | undefined;
};

type OrgState = {
  holding: boolean;
  acl: AclCache | null;
  lastEmitted: number;
  notified: number;
  lastDelivered: Delivered;
  draining: Promise<void> | null;
  lastActivity: number;
  retry?: NodeJS.Timeout | undefined;
};

/** Users remembered for ticks after their last packet. */
const TICK_MEMORY_MS = 3_600_000;
/** A held organization without activity this long is released. */
const IDLE_RELEASE_MS = 10 * 60_000;

/** Creates the tailers of this process. */
export function createTailerHub(deps: TailerDeps) {
  const { db } = deps;
  const tickMs = deps.tickMs ?? SYNC_LIMITS.tickIntervalMs;
  const leaseMs = deps.leaseMs ?? 4_000;
  const batchSize = deps.batchSize ?? 2000;
  const orgs = new Map<string, OrgState>();
  /** The last seq each organization was notified of (every process listens to every org). */
  const seen = new Map<string, number>();
  /**
   * Organizations whose lease another process held when this one tried to take it: tried again
   * once the lease could have expired. Without it a tailer killed at the end of a burst left its
   * organization untailed until the next change (the fault suite measured 24 s of convergence).
   */
  const retries = new Map<string, NodeJS.Timeout>();
  const lastAttempt = new Map<string, number>();
  let running = false;
  let tickTimer: NodeJS.Timeout | undefined;
  let leaseTimer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  const leaseName = (org: string) => `sync-tailer:${org}`;

  /** Takes (or confirms) the organization; resolves to its state when this process tails it. */
  const take = async (org: string, startAt: () => Promise<number>): Promise<OrgState | null> => {
    const existing = orgs.get(org);
    if (existing?.holding) return existing;
    if (deps.leases) {
      const now = Date.now();
      if (now - (lastAttempt.get(org) ?? 0) < 1_000) return null;
      lastAttempt.set(org, now);
      const got = await deps.leases.acquire(leaseName(org), deps.holder, leaseMs);
      if (!got) return null;
    }
    if (orgs.get(org)?.holding) return orgs.get(org)!;
    const start = await startAt();
    const state: OrgState = {
      holding: true,
      acl: null,
      lastEmitted: start,
      notified: Math.max(start, seen.get(org) ?? 0),
      lastDelivered: new Map(),
      draining: null,
      lastActivity: Date.now(),
    };
    orgs.set(org, state);
    return state;
  };

  const settleWaiters = () => {
    if ([...orgs.values()].some((s) => s.draining || (s.holding && s.lastEmitted < s.notified))) return;
    const w = idleWaiters;
    idleWaiters = [];
    w.forEach((f) => f());
  };

  const kick = (org: string, state: OrgState) => {
    state.lastActivity = Date.now();
    if (state.draining || !running) return;
    state.draining = drain(org, state).finally(() => {
      state.draining = null;
      if (state.holding && state.lastEmitted < state.notified && !state.retry) kick(org, state);
      else settleWaiters();
    });
  };

  const drain = async (org: string, state: OrgState): Promise<void> => {
    try {
      state.acl ??= await AclCache.load(db, org);
      while (running && state.holding && state.lastEmitted < state.notified) {
        const upTo = state.notified;
        const entries = await readLog(db, org, state.lastEmitted, upTo, batchSize);
        const end = entries.length < batchSize ? upTo : entries[entries.length - 1]!.seq;
        await route(org, state, entries, end);
        state.lastEmitted = end;
      }
    } catch (e) {
      deps.log?.('sync tailer failed a batch; retrying', e);
      state.retry = setTimeout(() => {
        state.retry = undefined;
        kick(org, state);
      }, 500);
      state.retry.unref();
    }
  };

  /** Routes one batch `(lastEmitted, end]` and emits one packet per user. */
  const route = async (org: string, state: OrgState, entries: readonly LogEntry[], end: number) => {
    const acl = state.acl!;
    // Independent reads side by side (PostgreSQL: one round trip of latency for both).
    const [loaded, results] = await Promise.all([
      readBatchRows(db, org, acl, entries, deps.toAccount),
      readProvenance(db, org, entries),
    ]);
    const changes = await routeBatch(db, org, acl, entries, loaded);
    // Results reach their users with a packet, even one without changes (never a removed member).
    for (const userId of results.keys())
      if (!changes.has(userId) && !acl.isActive(userId)) results.delete(userId);
    const tenantSeq = Math.max(end, state.notified);
    deps.timings?.routed(org, end);
    emitPackets(deps.emit, org, state.lastDelivered, { changes, results, end, tenantSeq }, Date.now());
    deps.timings?.emitted(org, end);
  };

  const ticks = () => {
    const cutoff = Date.now() - TICK_MEMORY_MS;
    for (const [org, state] of orgs)
      if (state.holding) emitTicks(deps.emit, org, state.lastDelivered, cutoff);
  };

  const renewLeases = async () => {
    if (!deps.leases) return;
    const now = Date.now();
    const renew: string[] = [];
    for (const [org, state] of orgs) {
      if (!state.holding) continue;
      if (now - state.lastActivity > IDLE_RELEASE_MS) {
        state.holding = false;
        orgs.delete(org);
        await deps.leases.release(leaseName(org), deps.holder).catch(() => undefined);
        continue;
      }
      renew.push(org);
    }
    if (renew.length === 0) return;
    const kept = await deps.leases
      .renewAll(renew.map(leaseName), deps.holder, leaseMs)
      .catch(() => new Set<string>());
    for (const org of renew) {
      if (kept.has(leaseName(org))) continue;
      // Another process took it over (this one stalled), or the database did not answer:
      // stop emitting for it.
      const state = orgs.get(org);
      if (state) state.holding = false;
      orgs.delete(org);
    }
  };

  /** Tries to take `org` again once another process's lease on it could have run out. */
  const retryLater = (org: string): void => {
    if (!deps.leases || retries.has(org) || !running) return;
    const t = setTimeout(() => {
      retries.delete(org);
      if (!running || orgs.get(org)?.holding || !(deps.mayTail?.(org) ?? true)) return;
      // As a notification of the newest seq seen would: the new tailer's first packet has
      // `prev` null, so clients pull whatever the dead tailer never emitted.
      const last = seen.get(org);
      void take(org, async () =>
        last !== undefined ? Math.max(last - 1, 0) : (await readClock(db, org)).seq,
      )
        .then((s) => {
          if (!s) return retryLater(org);
          if (last !== undefined && last > s.notified) s.notified = last;
          kick(org, s);
        })
        .catch((e) => deps.log?.('sync tailer could not take an organization', e));
    }, leaseMs + 250);
    t.unref();
    retries.set(org, t);
  };

  return {
    /** A NOTIFY `org:seq` arrived. */
    notified: (org: string, seq: number): void => {
      deps.timings?.notified(org, seq);
      const known = seen.get(org);
      if (known === undefined || seq > known) seen.set(org, seq);
      const state = orgs.get(org);
      if (state?.holding) {
        if (seq > state.notified) state.notified = seq;
        kick(org, state);
        return;
      }
      if (!running || !(deps.mayTail?.(org) ?? true)) return;
      // Start right after the last notification this process saw, so a takeover misses nothing
      // (bounded: a far older start only re-sends what clients pull anyway). Never seen: on
      // PGlite the organization was created after boot (all others are tailed from boot), so
      // its log starts at 1; on PostgreSQL only this transaction's last entry is known.
      const from = known ?? (deps.leases ? seq - 1 : 0);
      void take(org, async () => Math.max(Math.min(from, seq - 1), seq - 5_000, 0))
        .then((s) => {
          if (s) {
            if (seq > s.notified) s.notified = seq;
            kick(org, s);
          } else retryLater(org);
        })
        .catch((e) => deps.log?.('sync tailer could not take an organization', e));
    },

    /** A socket of `org` connected here: make sure the organization is tailed (from now on). */
    ensure: async (org: string): Promise<void> => {
      if (!running || orgs.get(org)?.holding || !(deps.mayTail?.(org) ?? true)) return;
      const s = await take(org, async () => (await readClock(db, org)).seq).catch((e: unknown) => {
        deps.log?.('sync tailer could not take an organization', e);
        return null;
      });
      if (!s) retryLater(org);
    },

    /**
     * Gives up every organization tailed here (PostgreSQL): this process's emits no longer reach
     * the others (its Redis adapter is gone), so a process whose emits do takes each one over on
     * its next notification, from the last seq it was notified of.
     */
    releaseAll: async (): Promise<void> => {
      if (!deps.leases) return;
      for (const [org, state] of [...orgs]) {
        if (!state.holding) continue;
        state.holding = false;
        if (state.retry) clearTimeout(state.retry);
        orgs.delete(org);
        await state.draining;
        await deps.leases.release(leaseName(org), deps.holder).catch(() => undefined);
      }
      settleWaiters();
    },

    /** The notification connection was re-established: re-read the clocks of tailed organizations. */
    resync: async (): Promise<void> => {
      for (const [org, state] of orgs)
        if (state.holding) {
          const { seq } = await readClock(db, org);
          if (seq > state.notified) state.notified = seq;
          kick(org, state);
        }
    },

    start: async (): Promise<void> => {
      running = true;
      if (!deps.leases) {
        // PGlite: this process tails every organization, from the current end of each log, so
        // even the first transaction after boot is delivered whole.
        const clocks = rowsOf<{ organization_id: string; seq: string | number }>(
          await db.execute(sql`select organization_id, seq from sync_clock`),
        );
        for (const c of clocks) await take(c.organization_id, async () => Number(c.seq));
      }
      tickTimer = setInterval(ticks, tickMs);
      tickTimer.unref();
      if (deps.leases) {
        leaseTimer = setInterval(() => void renewLeases().catch(() => undefined), leaseMs / 3);
        leaseTimer.unref();
      }
    },

    stop: async (): Promise<void> => {
      running = false;
      for (const t of retries.values()) clearTimeout(t);
      retries.clear();
      if (tickTimer) clearInterval(tickTimer);
      if (leaseTimer) clearInterval(leaseTimer);
      await Promise.all([...orgs.values()].map((s) => s.draining));
      for (const [org, state] of orgs) {
        if (state.retry) clearTimeout(state.retry);
        if (deps.leases && state.holding)
          await deps.leases.release(leaseName(org), deps.holder).catch(() => undefined);
      }
      orgs.clear();
      settleWaiters();
    },

    /** Resolves when every organization tailed here has emitted what it was notified of. */
    idle: (): Promise<void> =>
      new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleWaiters();
      }),

    /** Forgets an organization's state, as a restarted tailer would (its next packets have `prev` null). */
    restart: (org: string): void => {
      const state = orgs.get(org);
      if (!state) return;
      state.lastDelivered.clear();
      state.acl = null;
    },

    /** Sends the heartbeat now (tests). */
    tickNow: ticks,

    /** Whether this process tails `org`. */
    tails: (org: string): boolean => orgs.get(org)?.holding ?? false,
  };
}

/** The tailers of a process. */
export type TailerHub = ReturnType<typeof createTailerHub>;
