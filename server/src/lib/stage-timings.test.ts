import { describe, expect, it } from 'vitest';
import { createStageTimings, type InboundStage } from './stage-timings';

const clocked = () => {
  let t = 1_000;
  let wall = 1_700_000_000_000;
  const seen: [InboundStage, number][] = [];
  const timings = createStageTimings({ now: () => t, wallNow: () => wall });
  timings.onObserve((s, ms) => seen.push([s, ms]));
  const advance = (ms: number) => {
    t += ms;
    wall += ms;
  };
  return { timings, seen, advance, wall: () => wall };
};

describe('stage timings', () => {
  it('follows one commit through notify, tail and emit (PostgreSQL order)', () => {
    const { timings, seen, advance, wall } = clocked();
    const received = wall();
    advance(4);
    timings.committed('o', 7, [received]);
    advance(2);
    timings.notified('o', 7);
    advance(3);
    timings.routed('o', 7);
    advance(1);
    timings.emitted('o', 7);
    expect(seen).toEqual([
      ['process', 4],
      ['notify', 2],
      ['tail', 3],
      ['emit', 1],
      ['total', 10],
    ]);
  });

  it('counts notify as 0 when the NOTIFY came before the commit resolved (PGlite order)', () => {
    const { timings, seen, advance, wall } = clocked();
    const received = wall();
    timings.notified('o', 3);
    advance(5);
    timings.committed('o', 3, [received]);
    advance(2);
    timings.routed('o', 3);
    timings.emitted('o', 3);
    expect(seen.map(([s]) => s)).toEqual(['process', 'notify', 'tail', 'emit', 'total']);
    expect(seen.find(([s]) => s === 'notify')![1]).toBe(0);
  });

  it('observes nothing after process for a commit already emitted, and nothing without observers', () => {
    const { timings, seen, wall } = clocked();
    timings.emitted('o', 9);
    timings.committed('o', 9, [wall()]);
    expect(seen.map(([s]) => s)).toEqual(['process']);
    const idle = createStageTimings();
    expect(idle.active()).toBe(false);
    idle.committed('o', 1, [Date.now()]);
    idle.emitted('o', 1);
  });

  it('emits each commit once, in seq order, even when commits resolve out of order', () => {
    const { timings, seen, wall } = clocked();
    timings.committed('o', 5, [wall()]);
    timings.committed('o', 4, [wall(), wall()]);
    timings.emitted('o', 4);
    expect(seen.filter(([s]) => s === 'total')).toHaveLength(2);
    timings.emitted('o', 5);
    timings.emitted('o', 5);
    expect(seen.filter(([s]) => s === 'total')).toHaveLength(3);
  });
});
