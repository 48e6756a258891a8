import type { Durations, ReportOverview, ReportRangeQuery, ReportRow } from '#contract/api/reports';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Db } from '../../storage/db';
import { readHoursSettings } from '../organization/business-hours';
import { mayReadReports } from '../visibility/capabilities';
import { percentileOf, type PlacedBucket } from './histogram';
import { createReportQueries, NONE, type Dim } from './report-queries';

/** Reports for managers and admins (issue 13). */
export type ReportService = ReturnType<typeof createReportService>;

/** Whole seconds: percentile interpolation leaves float noise (43830.00000000001). */
const round = (s: number | null | undefined) => (s === null || s === undefined ? null : Math.round(s));

/** A key's histogram as read: the buckets holding its percentiles' ranks, and its total. */
type Placed = { total: number; buckets: PlacedBucket[] };

/** Buckets per `dimension:id`, in the order the query returns them (ascending). */
function byKey(rows: (PlacedBucket & { dimension: Dim; id: string; total: number })[]): Map<string, Placed> {
  const out = new Map<string, Placed>();
  for (const r of rows) {
    const k = `${r.dimension}:${r.id}`;
    const h = out.get(k) ?? { total: r.total, buckets: [] };
    h.buckets.push(r);
    out.set(k, h);
  }
  return out;
}

/** Local days from `from` to `to` inclusive (`YYYY-MM-DD`). */
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Today's date in `timeZone` (`YYYY-MM-DD`). */
const localToday = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());

/** Creates the report service. */
export function createReportService(deps: { db: Db }) {
  const q = createReportQueries(deps.db);

  return {
    /**
     * The overview of a range of local days: totals, per day, the inbound heatmap, and the
     * per-agent, per-team and per-number tables. Durations count business hours only when the
     * organization has business hours.
     */
    overview: async (
      organizationId: string,
      actor: Principal,
      range: ReportRangeQuery,
    ): Promise<Result<ReportOverview>> => {
      if (!mayReadReports(actor.role)) return fail('forbidden', 'Only managers and admins can see reports');
      const settings = await readHoursSettings(deps.db, organizationId);
      const tz = settings.timeZone;
      const business = settings.businessHours !== null;
      const to = range.to ?? localToday(tz);
      const from =
        range.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
      if (from > to) return fail('invalid_input', '"from" must not be after today when "to" is left out');
      const span = await q.span(tz, from, to);
      const clock = business ? 'business' : 'wall';
      const [counted, { first_response: responses, resolution: resolutions }, { days, heatmap }, names] =
        await Promise.all([
          q.counts(organizationId, span),
          q.durations(organizationId, span, clock),
          q.daysAndHeatmap(organizationId, span, tz),
          q.names(organizationId),
        ]);

      // The zero uuid stands for "no team" and for the `all` dimension's id.
      const key = (dim: Dim, id: string | null) => `${dim}:${id ?? NONE}`;
      const count = new Map(counted.map((c) => [`${c.dimension}:${c.id}/${c.measure}`, c.n]));
      const [f, r] = [byKey(responses), byKey(resolutions)];
      const durations = (n: number, h: Placed | undefined): Durations => ({
        count: n,
        medianSeconds: round(percentileOf(h?.total ?? 0, h?.buckets ?? [], 0.5)),
        p90Seconds: round(percentileOf(h?.total ?? 0, h?.buckets ?? [], 0.9)),
      });
      const counts = (k: string) => {
        const n = (m: string) => count.get(`${k}/${m}`) ?? 0;
        return {
          opened: n('opened'),
          resolved: n('resolved'),
          messagesIn: n('inbound'),
          messagesOut: n('outbound'),
          firstResponse: durations(n('first_response'), f.get(k)),
          resolution: durations(n('resolved'), r.get(k)),
        };
      };
      const table = (dim: Exclude<Dim, 'all'>): ReportRow[] => {
        const ids = new Set<string>();
        for (const c of counted) if (c.dimension === dim) ids.add(c.id);
        return [...ids]
          .map((id) => ({
            id: id === NONE ? null : id,
            name: id === NONE ? 'No team' : (names.get(`${dim}:${id}`) ?? 'Removed'),
            ...counts(key(dim, id)),
          }))
          .sort((a, b) => a.name.localeCompare(b.name) || (a.id ?? '').localeCompare(b.id ?? ''));
      };

      const perDay = new Map(
        daysOf(from, to).map((d) => [d, { date: d, opened: 0, resolved: 0, messagesIn: 0, messagesOut: 0 }]),
      );
      for (const d of days) {
        const day = perDay.get(d.day);
        if (!day) continue;
        if (d.kind === 'opened') day.opened += d.n;
        else if (d.kind === 'resolved') day.resolved += d.n;
        else if (d.kind === 'inbound') day.messagesIn += d.n;
        else day.messagesOut += d.n;
      }
      return ok({
        from,
        to,
        timeZone: tz,
        businessHours: business,
        totals: counts(key('all', null)),
        byDay: [...perDay.values()],
        heatmap: heatmap.filter((h) => h.count > 0).sort((a, b) => a.weekday - b.weekday || a.hour - b.hour),
        byAgent: table('agent'),
        byTeam: table('team'),
        byNumber: table('number'),
      });
    },
  };
}
