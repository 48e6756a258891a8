import { performance } from 'node:perf_hooks';

// Where the time of one inbound message goes inside a server process (issue 15), stage by stage:
//
//   receipt  HTTP request received → its receipt row committed (the 200 follows)
//   process  receipt committed (its `received_at`) → the processing transaction committed
//   notify   processing committed → the tailer handled the change log's NOTIFY
//   tail     NOTIFY handled → the tailer's batch read and routed (log, rows, ACL, provenance)
//   emit     batch routed → its packets handed to Socket.IO, one emit per distinct packet
//   total    receipt committed → packets handed to Socket.IO
//
// The observers (Prometheus histograms at /metrics, the benchmarks' samples) subscribe with
// `onObserve`; this file needs nothing but Node. The stages after `process` follow a commit by
// its organization and seq, in this process only: when another process tails the organization
// (PostgreSQL with several processes), that process has no commit to follow and observes
// nothing for it; the pending commits here are dropped after PENDING_MAX_AGE_MS.

export const INBOUND_STAGES = ['receipt', 'process', 'notify', 'tail', 'emit', 'total'] as const;
export type InboundStage = (typeof INBOUND_STAGES)[number];

/** Receives one observation in milliseconds. */
export type StageObserver = (stage: InboundStage, ms: number) => void;

type Commit = {
  seq: number;
  committedAt: number;
  receivedAt: number[];
  notifiedAt?: number;
  routedAt?: number;
};
type OrgTrack = { pending: Commit[]; notifiedSeq: number; emittedSeq: number };

/** A commit nobody follows (tailed elsewhere) is forgotten after this long. */
const PENDING_MAX_AGE_MS = 30_000;
/** At most this many commits followed per organization. */
const PENDING_MAX = 2_000;

/** The stage clock of one process (one per app). */
export type StageTimings = ReturnType<typeof createStageTimings>;

/**
 * Creates the stage clock. `now` is a monotonic millisecond clock (default `performance.now`);
 * `wallNow` the wall clock that `received_at` timestamps are compared with.
 */
export function createStageTimings(clocks?: { now?: () => number; wallNow?: () => number }) {
  const now = clocks?.now ?? (() => performance.now());
  const wallNow = clocks?.wallNow ?? (() => Date.now());
  const observers: StageObserver[] = [];
  const orgs = new Map<string, OrgTrack>();

  const observe = (stage: InboundStage, ms: number) => {
    const v = Math.max(0, ms);
    for (const o of observers) o(stage, v);
  };
  const trackOf = (org: string) => {
    let t = orgs.get(org);
    if (!t) orgs.set(org, (t = { pending: [], notifiedSeq: 0, emittedSeq: 0 }));
    return t;
  };
  const prune = (t: OrgTrack, at: number) => {
    while (
      t.pending.length > 0 &&
      (t.pending.length > PENDING_MAX || at - t.pending[0]!.committedAt > PENDING_MAX_AGE_MS)
    )
      t.pending.shift();
  };

  return {
    /** Subscribes an observer (Prometheus, a benchmark's sampler). */
    onObserve: (o: StageObserver): void => {
      observers.push(o);
    },

    /** Whether anyone observes (callers skip their bookkeeping otherwise). */
    active: (): boolean => observers.length > 0,

    /** A webhook request received `ms` ago has its receipt committed. */
    receipt: (ms: number): void => {
      if (observers.length > 0) observe('receipt', ms);
    },

    /**
     * The processing transaction committed the log up to `seq` for `org`, for receipts stored at
     * `receivedAt` (wall-clock ms). With PGlite the NOTIFY is handled before the commit's promise
     * resolves: then `notify` is 0 and the commit starts from the notification.
     */
    committed: (org: string, seq: number, receivedAt: number[]): void => {
      if (observers.length === 0) return;
      const wall = wallNow();
      for (const r of receivedAt) observe('process', wall - r);
      const t = trackOf(org);
      // Already emitted (the tailer overtook this continuation): nothing left to follow.
      if (t.emittedSeq >= seq) return;
      const at = now();
      const commit: Commit = { seq, committedAt: at, receivedAt };
      if (t.notifiedSeq >= seq) {
        observe('notify', 0);
        commit.notifiedAt = at;
      }
      t.pending.push(commit);
      // Kept in seq order (concurrent transactions may resolve out of order).
      if (t.pending.length > 1 && t.pending[t.pending.length - 2]!.seq > seq)
        t.pending.sort((a, b) => a.seq - b.seq);
      prune(t, at);
    },

    /** The tailer handled the NOTIFY of `org` up to `seq`. */
    notified: (org: string, seq: number): void => {
      if (observers.length === 0) return;
      const t = trackOf(org);
      const at = now();
      if (seq > t.notifiedSeq) t.notifiedSeq = seq;
      for (const c of t.pending)
        if (c.seq <= seq && c.notifiedAt === undefined) {
          c.notifiedAt = at;
          observe('notify', at - c.committedAt);
        }
    },

    /** The tailer read and routed `org`'s batch up to `end`. */
    routed: (org: string, end: number): void => {
      const t = orgs.get(org);
      if (!t || observers.length === 0) return;
      const at = now();
      for (const c of t.pending)
        if (c.seq <= end && c.routedAt === undefined) {
          c.routedAt = at;
          observe('tail', at - (c.notifiedAt ?? c.committedAt));
        }
    },

    /** The batch up to `end` was handed to Socket.IO. */
    emitted: (org: string, end: number): void => {
      if (observers.length === 0) return;
      const t = trackOf(org);
      if (end > t.emittedSeq) t.emittedSeq = end;
      const at = now();
      const wall = wallNow();
      let done = 0;
      for (const c of t.pending) {
        if (c.seq > end) break;
        done++;
        observe('emit', at - (c.routedAt ?? c.notifiedAt ?? c.committedAt));
        for (const r of c.receivedAt) observe('total', wall - r);
      }
      t.pending.splice(0, done);
    },
  };
}
