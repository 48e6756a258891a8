import type { Clock } from '../deps';

/**
 * Deterministic time and randomness for the simulation: a seeded PRNG and a virtual clock whose
 * timers fire only when the simulation advances it. After each timer the simulation lets every
 * pending promise continuation run (a macrotask turn), so an engine's async chains make progress
 * exactly as they would on a real event loop, but in a reproducible order.
 */

/** Mulberry32: small, fast, good enough for choosing faults. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lets every queued promise continuation run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A virtual clock with an ordered timer queue. */
export interface VirtualClock extends Clock {
  /** Runs every timer due up to `now + ms`, settling promises after each. */
  advance(ms: number): Promise<void>;
  /** Timers still pending. */
  pending(): number;
}

/** Creates a virtual clock starting at `start`. */
export function createVirtualClock(start = Date.UTC(2026, 0, 1)): VirtualClock {
  let now = start;
  let seq = 0;
  // A binary heap would be faster; the queues here stay small (tens of timers).
  const timers = new Map<number, { at: number; seq: number; fn: () => void }>();
  const next = () => {
    let best: [number, { at: number; seq: number; fn: () => void }] | null = null;
    for (const e of timers)
      if (!best || e[1].at < best[1].at || (e[1].at === best[1].at && e[1].seq < best[1].seq)) best = e;
    return best;
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      seq += 1;
      timers.set(seq, { at: now + Math.max(0, ms), seq, fn });
      return seq;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (;;) {
        const n = next();
        if (!n || n[1].at > until) break;
        timers.delete(n[0]);
        now = n[1].at;
        n[1].fn();
        await settle();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}
