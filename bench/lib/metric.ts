/**
 * One benchmark result line. Every benchmark runs its raw baseline in the same invocation and
 * prints one of these per metric, so a reader compares like with like on a noisy 2-core box.
 */
export interface MetricLine {
  /** Stable metric name, e.g. `http-auth.requests_per_s`. */
  metric: string;
  /** Our value (median of the repetitions). */
  value: number;
  /** Unit of `value` and `baseline`. */
  unit: string;
  /** The raw baseline measured in the same run, or null where none exists. */
  baseline: number | null;
  /** value ÷ baseline (or baseline ÷ value for lower-is-better metrics), null without baseline. */
  ratio: number | null;
  /** What the line must reach: a minimum ratio, or an absolute min/max on `value`. */
  target: { ratio: number } | { min: number } | { max: number };
  /** Extra context: repetitions, spread, engine… (not part of the pass/fail). */
  notes?: Record<string, unknown>;
}

/** Rounds to a readable precision without losing small ratios. */
export const round = (n: number, digits = 3): number => Number(n.toPrecision(digits + 2));

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  if (xs.length === 0) throw new Error('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Whether a line meets its target. */
export function meets(line: MetricLine): boolean {
  const t = line.target;
  if ('ratio' in t) return line.ratio !== null && line.ratio >= t.ratio;
  if ('min' in t) return line.value >= t.min;
  return line.value <= t.max;
}

/** Builds a higher-is-better line from our and the baseline's repetitions. */
export function higherIsBetter(
  metric: string,
  unit: string,
  ours: number[],
  raw: number[] | null,
  target: MetricLine['target'],
  notes: Record<string, unknown> = {},
): MetricLine {
  const value = median(ours);
  const baseline = raw ? median(raw) : null;
  return {
    metric,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: baseline ? round(value / baseline) : null,
    target,
    notes: { runs: ours.map((x) => round(x)), baselineRuns: raw?.map((x) => round(x)), ...notes },
  };
}
