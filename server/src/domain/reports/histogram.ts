// Percentiles from the duration histograms (schema/reports.ts, report_duration_days): buckets in
// ascending order, each with its count and the smallest and largest duration it holds.

/** One histogram bucket, summed over the range's days. */
export type Bucket = { bucket: number; count: number; min: number; max: number };

/** A bucket of a histogram read in part: with the count of the durations in the buckets below it. */
export type PlacedBucket = Bucket & { before: number };

/**
 * The `k`-th smallest duration (0-based) of the sorted multiset the buckets describe. Inside its
 * bucket the value is placed linearly between the bucket's minimum and maximum by rank: exact
 * when the bucket holds one distinct value or two values, otherwise within the bucket's width.
 */
function nth(buckets: PlacedBucket[], k: number): number {
  for (const b of buckets)
    if (k >= b.before && k < b.before + b.count) {
      const j = k - b.before;
      return b.count === 1 ? b.min : b.min + ((b.max - b.min) * j) / (b.count - 1);
    }
  return buckets.at(-1)!.max;
}

/**
 * `percentile_cont(p)` of `total` durations from the buckets that hold its ranks (any others may
 * be left out): linear interpolation between the values at ranks ⌊p(n−1)⌋ and ⌈p(n−1)⌉, as
 * PostgreSQL computes it over the raw values; null when there are none.
 */
export function percentileOf(total: number, buckets: PlacedBucket[], p: number): number | null {
  if (total === 0 || buckets.length === 0) return null;
  const pos = p * (total - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = nth(buckets, lo);
  return hi === lo ? a : a + (pos - lo) * (nth(buckets, hi) - a);
}

/** `percentile_cont(p)` of a whole histogram, `buckets` in ascending bucket order; null when empty. */
export function percentile(buckets: Bucket[], p: number): number | null {
  let before = 0;
  const placed = buckets.map((b) => {
    const x = { ...b, before };
    before += b.count;
    return x;
  });
  return percentileOf(before, placed, p);
}
