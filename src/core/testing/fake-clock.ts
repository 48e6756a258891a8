import type { Clock } from '../deps';

/** A clock for tests: time moves only when `advance` is called; due timers then fire in order. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
  /** Delays of the timers still pending, from now. */
  pending(): number[];
}

/** Creates a fake clock starting at `start` (ms since the epoch). */
export function createFakeClock(start = Date.parse('2026-01-01T00:00:00Z')): FakeClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      seq += 1;
      timers.set(seq, { at: now + Math.max(0, ms), fn });
      return seq;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const next = [...timers.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = until;
    },
    pending: () => [...timers.values()].map((t) => t.at - now),
  };
}
