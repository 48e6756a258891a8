import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, percentileOf, type Bucket } from './histogram';

// The SQL bucket of report_duration_bucket() (migration report_rollup_triggers).
const bucketOf = (s: number) => (s <= 0 ? 0 : 1 + Math.floor(Math.log(1 + s) * 50));

/** The histogram the rollup would hold for these durations. */
function histogram(values: number[]): Bucket[] {
  const m = new Map<number, Bucket>();
  for (const v of values) {
    const k = bucketOf(v);
    const b = m.get(k);
    if (b) {
      b.count += 1;
      b.min = Math.min(b.min, v);
      b.max = Math.max(b.max, v);
    } else m.set(k, { bucket: k, count: 1, min: v, max: v });
  }
  return [...m.values()].sort((a, b) => a.bucket - b.bucket);
}

/** PostgreSQL's percentile_cont over the raw values. */
function exact(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

describe('percentiles from duration histograms', () => {
  it('are those of the raw values when every bucket holds at most two distinct values', () => {
    expect(percentile(histogram([0, 1800, 1800, 2700]), 0.9)).toBe(2430);
    expect(percentile(histogram([600, 1800, 5400, 60300]), 0.5)).toBe(3600);
    expect(percentile(histogram([600, 1800, 5400, 60300]), 0.9)).toBeCloseTo(43830, 6);
    expect(percentile(histogram([3600, 3600, 3600]), 0.5)).toBe(3600);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('stay within the width of a bucket (2 %) of the raw percentile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 * 86_400 }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.9),
        (values, p) => {
          const want = exact(values, p)!;
          const got = percentile(histogram(values), p)!;
          expect(Math.abs(got - want)).toBeLessThanOrEqual(want * 0.021 + 1e-9);
        },
      ),
    );
  });

  it('match exactly when the values are few and spread apart', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }),
        fc.constantFrom(0.5, 0.9),
        (ks, p) => {
          // Values a factor 1.25 apart never share a bucket.
          const values = ks.map((k) => Math.round(10 * 1.25 ** k));
          const got = percentile(histogram(values), p);
          const want = exact(values, p);
          if (want === null) expect(got).toBeNull();
          else expect(got).toBeCloseTo(want, 6);
        },
      ),
    );
  });

  it('need only the buckets holding the ranks, as the report query keeps them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 * 86_400 }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.9),
        (values, p) => {
          const all = histogram(values);
          let before = 0;
          const placed = all.map((b) => {
            const x = { ...b, before };
            before += b.count;
            return x;
          });
          // The query's rule (report-queries.ts RANKS): a bucket stays when it holds the floor or
          // the ceiling of p·(total − 1) for p = 0.5 or 0.9.
          const ranks = [0.5, 0.9].flatMap((q) => [
            Math.floor(q * (before - 1)),
            Math.ceil(q * (before - 1)),
          ]);
          const kept = placed.filter((b) => ranks.some((k) => k >= b.before && k < b.before + b.count));
          expect(kept.length).toBeLessThanOrEqual(4);
          expect(percentileOf(before, kept, p)).toBe(percentile(all, p));
        },
      ),
    );
  });
});
