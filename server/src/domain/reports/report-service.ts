import type { Durations, ReportOverview, ReportRangeQuery, ReportRow } from '#contract/api/reports';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Db } from '../../storage/db';
import { readHoursSettings } from '../organization/business-hours';
import { mayReadReports } from '../visibility/capabilities';
import { createReportQueries, NONE, type CycleAgg, type Dim } from './report-queries';

/** Reports for managers and admins (issue 13). */
export type ReportService = ReturnType<typeof createReportService>;

/** Whole seconds: percentile interpolation leaves float noise (43830.00000000001). */
const round = (s: number | null | undefined) => (s === null || s === undefined ? null : Math.round(s));

const durations = (a: CycleAgg | undefined): Durations => ({
  count: a?.n ?? 0,
  medianSeconds: round(a?.median),
  p90Seconds: round(a?.p90),
});

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
      const [opened, responses, resolved, messages, days, heatmap, names] = await Promise.all([
        q.cycles(organizationId, span, 'opened', null),
        q.cycles(
          organizationId,
          span,
          'first_response',
          business ? 'first_response_business_seconds' : 'first_response_seconds',
        ),
        q.cycles(
          organizationId,
          span,
          'resolved',
          business ? 'resolution_business_seconds' : 'resolution_seconds',
        ),
        q.messages(organizationId, span),
        q.days(organizationId, span, tz),
        q.heatmap(organizationId, span, tz),
        q.names(organizationId),
      ]);

      const key = (dim: Dim, id: string | null) => `${dim}:${id ?? NONE}`;
      const index = (aggs: CycleAgg[]) => new Map(aggs.map((a) => [key(a.dim, a.id), a]));
      const [o, f, r] = [index(opened), index(responses), index(resolved)];
      const msg = new Map<string, { in: number; out: number }>();
      for (const m of messages) {
        const k = key(m.dimension, m.id);
        const cur = msg.get(k) ?? { in: 0, out: 0 };
        if (m.direction === 'inbound') cur.in += m.n;
        else cur.out += m.n;
        msg.set(k, cur);
      }
      const counts = (k: string) => ({
        opened: o.get(k)?.n ?? 0,
        resolved: r.get(k)?.n ?? 0,
        messagesIn: msg.get(k)?.in ?? 0,
        messagesOut: msg.get(k)?.out ?? 0,
        firstResponse: durations(f.get(k)),
        resolution: durations(r.get(k)),
      });
      const table = (dim: Exclude<Dim, 'all'>): ReportRow[] => {
        const ids = new Set<string>();
        for (const m of [o, f, r, msg])
          for (const k of m.keys()) if (k.startsWith(`${dim}:`)) ids.add(k.slice(dim.length + 1));
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
