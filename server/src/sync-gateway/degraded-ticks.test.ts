import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Tick } from '#contract/sync/protocol';
import { createDegradedTicks } from './degraded-ticks';

// Degraded mode in isolation: ticks only while the shared adapter is down, one per organization
// per window carrying the newest seq, only to that organization's sockets of this process.

type Fake = { org: string; ticks: Tick[]; emit: (e: 'sync:tick', t: Tick) => void };
const socket = (org: string): Fake => {
  const s: Fake = { org, ticks: [], emit: (_e, t) => s.ticks.push(t) };
  return s;
};

let down: boolean;
let sockets: Fake[];
const transport = {
  sharedDown: () => down,
  socketsOfOrg: (org: string) => sockets.filter((s) => s.org === org),
};

beforeEach(() => {
  vi.useFakeTimers();
  down = false;
  sockets = [socket('org-1'), socket('org-1'), socket('org-2')];
});
afterEach(() => vi.useRealTimers());

describe('degraded ticks', () => {
  it('do nothing while Redis carries the emits', () => {
    const d = createDegradedTicks(transport, { coalesceMs: 100 });
    d.notified('org-1', 5);
    vi.advanceTimersByTime(1_000);
    expect(sockets.flatMap((s) => s.ticks)).toEqual([]);
  });

  it('tick every socket of the notified organization once per window with the newest seq', () => {
    down = true;
    const d = createDegradedTicks(transport, { coalesceMs: 100 });
    d.notified('org-1', 5);
    d.notified('org-1', 9);
    d.notified('org-1', 7);
    vi.advanceTimersByTime(99);
    expect(sockets[0]!.ticks).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sockets[0]!.ticks).toEqual([{ seq: 9 }]);
    expect(sockets[1]!.ticks).toEqual([{ seq: 9 }]);
    expect(sockets[2]!.ticks).toEqual([]);
    d.notified('org-1', 12);
    vi.advanceTimersByTime(100);
    expect(sockets[0]!.ticks).toEqual([{ seq: 9 }, { seq: 12 }]);
  });

  it('drop a pending tick when Redis returns before it leaves, and on stop', () => {
    down = true;
    const d = createDegradedTicks(transport, { coalesceMs: 100 });
    d.notified('org-1', 5);
    down = false;
    vi.advanceTimersByTime(100);
    down = true;
    d.notified('org-2', 6);
    d.stop();
    vi.advanceTimersByTime(100);
    expect(sockets.flatMap((s) => s.ticks)).toEqual([]);
  });
});
