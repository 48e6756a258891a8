import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecipientPacer, ThroughputGate } from './pacing';

describe('ThroughputGate', () => {
  it('smooths: a burst of cap/20, then one send per 1/cap s', () => {
    let now = 0;
    const gate = new ThroughputGate(80, () => now);
    const started: number[] = [];
    while (now < 500) {
      if (gate.waitMs() === 0) {
        gate.take();
        started.push(now);
        gate.done();
      } else now += 1;
    }
    expect(started.filter((t) => t === 0)).toHaveLength(4);
    expect(started.length).toBeGreaterThanOrEqual(40);
    expect(started.length).toBeLessThanOrEqual(45);
  });

  it('never lets more than cap requests be seen by Meta in any one-second window, whatever the latency', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 50, maxLength: 300 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 50, maxLength: 300 }),
        (cap, latencies, arrivalFractions) => {
          let now = 0;
          const gate = new ThroughputGate(cap, () => now);
          const pending: { doneAt: number }[] = [];
          const arrivals: number[] = [];
          let i = 0;
          while (i < latencies.length && now < 100_000) {
            // complete due requests first
            pending.sort((a, b) => a.doneAt - b.doneAt);
            while (pending.length && pending[0]!.doneAt <= now) {
              pending.shift();
              gate.done();
            }
            if (gate.waitMs() === 0) {
              gate.take();
              const latency = latencies[i]!;
              // Meta sees the request somewhere between the start and the response.
              arrivals.push(now + latency * arrivalFractions[i % arrivalFractions.length]!);
              pending.push({ doneAt: now + latency });
              i += 1;
            } else now += 1;
          }
          arrivals.sort((a, b) => a - b);
          for (let k = 0; k < arrivals.length; k++) {
            const inWindow = arrivals.filter((t) => t > arrivals[k]! - 1000 && t <= arrivals[k]!).length;
            if (inWindow > cap) return false;
          }
          return true;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reaches about the cap with a short latency', () => {
    let now = 0;
    const cap = 1000;
    const gate = new ThroughputGate(cap, () => now);
    const pending: number[] = [];
    let sent = 0;
    while (now < 5000) {
      while (pending.length && pending[0]! <= now) {
        pending.shift();
        gate.done();
      }
      if (gate.waitMs() === 0) {
        gate.take();
        pending.push(now + 3);
        sent += 1;
      } else now += 0.25;
    }
    expect(sent / 5).toBeGreaterThan(0.95 * cap);
    expect(sent / 5).toBeLessThanOrEqual(cap);
  });
});

describe('RecipientPacer', () => {
  it('allows a burst, then about one message per interval', () => {
    let now = 0;
    const p = new RecipientPacer({ burst: 3, intervalMs: 1000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(p.waitMs('a')).toBe(0);
      p.take('a');
    }
    expect(p.waitMs('a')).toBeGreaterThan(1000);
    expect(p.waitMs('b')).toBe(0);
    now += 1100;
    expect(p.waitMs('a')).toBe(0);
  });

  it('backs off 4^X base after each 131056 for that recipient only, and resets on success', () => {
    let now = 0;
    const p = new RecipientPacer(null, () => now, 1000);
    expect(p.penalize('a')).toBe(1000);
    expect(p.penalize('a')).toBe(4000);
    expect(p.penalize('a')).toBe(16000);
    expect(p.waitMs('a')).toBe(16000);
    expect(p.waitMs('b')).toBe(0);
    p.succeeded('a');
    expect(p.waitMs('a')).toBe(0);
    expect(p.penalize('a')).toBe(1000);
    now += 1000;
    expect(p.waitMs('a')).toBe(0);
  });
});
