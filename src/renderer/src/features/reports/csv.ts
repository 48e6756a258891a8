import type { ReportDay, ReportOverview, ReportRow } from '#contract/api/reports';

// CSV export of the Reports tables (issue 13): RFC 4180 quoting, one header row, durations in
// whole seconds as the server gives them (a spreadsheet formats them), empty where none.

/** One CSV field: quoted when it holds a comma, quote or line break; formulas defused. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  // A name starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
  if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const lines = (rows: (string | number | null)[][]) =>
  rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';

const ROW_HEADER = [
  'opened',
  'resolved',
  'messages_in',
  'messages_out',
  'first_responses',
  'first_response_median_s',
  'first_response_p90_s',
  'resolution_median_s',
  'resolution_p90_s',
];

/** The per-agent, per-team or per-number table as CSV (`label` names the first column). */
export function rowsCsv(label: string, rows: readonly ReportRow[]): string {
  return lines([
    [label, ...ROW_HEADER],
    ...rows.map((r) => [
      r.name,
      r.opened,
      r.resolved,
      r.messagesIn,
      r.messagesOut,
      r.firstResponse.count,
      r.firstResponse.medianSeconds,
      r.firstResponse.p90Seconds,
      r.resolution.medianSeconds,
      r.resolution.p90Seconds,
    ]),
  ]);
}

/** The by-day table as CSV. */
export function daysCsv(days: readonly ReportDay[]): string {
  return lines([
    ['date', 'opened', 'resolved', 'messages_in', 'messages_out'],
    ...days.map((d) => [d.date, d.opened, d.resolved, d.messagesIn, d.messagesOut]),
  ]);
}

/** The heatmap as CSV: one row per weekday, one column per hour. */
export function heatmapCsv(report: Pick<ReportOverview, 'heatmap'>): string {
  const names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  const grid = names.map(() => Array<number>(24).fill(0));
  for (const c of report.heatmap) grid[c.weekday - 1]![c.hour] = c.count;
  return lines([
    ['weekday', ...Array.from({ length: 24 }, (_, h) => `${h}:00`)],
    ...grid.map((row, i) => [names[i]!, ...row]),
  ]);
}

/** A duration for people: `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`; `—` when none. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
