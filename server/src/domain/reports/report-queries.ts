import { sql } from 'drizzle-orm';
import { rowsOf } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import type { PlacedBucket } from './histogram';

// The reports' SQL (one caller: report-service.ts). Every statement reads the rollups of
// schema/reports.ts through their primary keys (organization first, then the time), so its cost
// follows the range's days and dimension values, not the organization's messages or cycles: a
// range's whole UTC days come from the day rollups, its ends (local midnights that are not UTC
// ones) from the 15-minute counts and, for durations, from the few cycles in them.

/** The zero uuid: the rollup's "all" and "no team" dimension id. */
export const NONE = '00000000-0000-0000-0000-000000000000';

/** A range of instants, [start, end). */
export type Span = { start: Date; end: Date };

/** Which dimension a grouped row belongs to. */
export type Dim = 'all' | 'number' | 'team' | 'agent';

/** What the count rollups count. */
export type Measure = 'inbound' | 'outbound' | 'opened' | 'first_response' | 'resolved';

/**
 * A span cut at whole UTC days: `[a, b)` is read from the day rollups, `[start, a)` and
 * `[b, end)` from the quarters (counts) or the cycles themselves (durations). A span holding no
 * whole UTC day has `a = b = end`.
 */
type Cut = Span & { a: Date; b: Date };

const DAY = 86_400_000;

/** Cuts a span at the UTC midnights inside it. */
export function cut(span: Span): Cut {
  const a = Math.ceil(span.start.getTime() / DAY) * DAY;
  const b = Math.floor(span.end.getTime() / DAY) * DAY;
  return a < b ? { ...span, a: new Date(a), b: new Date(b) } : { ...span, a: span.end, b: span.end };
}

const NO_TEAM = sql.raw(`'${NONE}'::uuid`);

/**
 * The ranks a median and a 90th percentile interpolate between (histogram.ts `percentileOf`), of
 * a histogram of `total` durations: float8 products, as JavaScript's, so both sides pick the same.
 */
const RANKS = [0.5, 0.9].flatMap((p) => [
  sql.raw(`floor(${p}::float8 * (total - 1))`),
  sql.raw(`ceil(${p}::float8 * (total - 1))`),
]);

/** The duration measures: first response and resolution. */
type DurationMeasure = 'first_response' | 'resolution';

/** The cycle columns of a duration measure: its event time, its agent, its two clocks. */
const DURATION = {
  first_response: {
    at: sql`first_response_at`,
    agent: sql`first_responder_id`,
    wall: sql`first_response_seconds`,
    business: sql`first_response_business_seconds`,
  },
  resolution: {
    at: sql`resolved_at`,
    agent: sql`resolved_assignee_id`,
    wall: sql`resolution_seconds`,
    business: sql`resolution_business_seconds`,
  },
};

/** The report's statements; every one takes the organization first. */
export function createReportQueries(db: Db) {
  return {
    /** The UTC instants of the first and the day after the last local day of a range. */
    span: async (tz: string, from: string, to: string): Promise<Span> => {
      const [row] = rowsOf<{ s: string | Date; e: string | Date }>(
        await db.execute(sql`select (${from}::date::timestamp at time zone ${tz}) as s,
          ((${to}::date + 1)::timestamp at time zone ${tz}) as e`),
      );
      return { start: new Date(row!.s), end: new Date(row!.e) };
    },

    /**
     * Every measure's count in the span per dimension value: whole UTC days from the day rollup,
     * the rest from the quarters.
     */
    counts: async (organizationId: string, span: Span) => {
      const c = cut(span);
      return rowsOf<{ dimension: Dim; id: string; measure: Measure; n: string }>(
        await db.execute(sql`
          select dimension, id, measure, sum(n) as n from (
            select dimension, dimension_id as id, measure, count as n from report_count_days
              where organization_id = ${organizationId} and dimension in ('all', 'number', 'team', 'agent')
                and day >= ${c.a} and day < ${c.b}
            union all
            select dimension, dimension_id, measure, count from report_count_quarters
              where organization_id = ${organizationId} and dimension in ('all', 'number', 'team', 'agent')
                and ((quarter >= ${c.start} and quarter < ${c.a}) or (quarter >= ${c.b} and quarter < ${c.end}))
          ) x group by dimension, id, measure`),
      ).map((r) => ({ ...r, n: Number(r.n) }));
    },

    /**
     * The histograms of both duration measures' durations in the span per dimension value:
     * whole UTC days from the day histograms (one read for both measures: their rows share
     * pages), the rest bucketed from the cycles (the same report_duration_bucket()). Only the
     * buckets that hold the median's and the 90th percentile's ranks come back, each with the
     * count below it (`before`) and its key's total: all ~6,500 buckets of a 30-day overview
     * took longer to send and parse than to compute. The window's partitions sort under "C"
     * (byte order): under the database's C.UTF-8 collation strcoll made that sort as long as the
     * scan and the grouping together. Rows ascend by bucket.
     */
    durations: async (organizationId: string, span: Span, clock: 'wall' | 'business') => {
      const c = cut(span);
      const ends = (measure: DurationMeasure) => {
        const col = DURATION[measure];
        return sql`
          select ${measure}::text, d.k, d.i, report_duration_bucket(y.dur), 1, y.dur, y.dur
            from (select whatsapp_account_id as acc, team_id, ${col.agent} as agent, ${col[clock]} as dur from conversation_cycles
                  where organization_id = ${organizationId}
                    and ((${col.at} >= ${c.start} and ${col.at} < ${c.a}) or (${col.at} >= ${c.b} and ${col.at} < ${c.end}))) y
            cross join lateral (values ('all', ${NO_TEAM}), ('number', y.acc), ('team', coalesce(y.team_id, ${NO_TEAM})),
              ('agent', y.agent)) as d(k, i)
            where d.i is not null and y.dur is not null`;
      };
      const rows = rowsOf<{
        measure: DurationMeasure;
        dimension: Dim;
        id: string;
        bucket: number;
        n: number | string;
        lo: number | string;
        hi: number | string;
        before: number | string;
        total: number | string;
      }>(
        await db.execute(sql`
          with g as (
            select measure, dimension, id, bucket, sum(n)::float8 as n, min(lo) as lo, max(hi) as hi from (
              select measure, dimension, dimension_id as id, bucket, count as n, min as lo, max as hi from report_duration_days
                where organization_id = ${organizationId} and measure in ('first_response', 'resolution') and clock = ${clock}
                  and day >= ${c.a} and day < ${c.b}
              union all ${ends('first_response')}
              union all ${ends('resolution')}
            ) x group by measure, dimension, id, bucket
          ), w as (
            select g.*, sum(n) over (k order by bucket) - n as before, sum(n) over k as total from g
            window k as (partition by measure collate "C", dimension collate "C", id)
          )
          select measure, dimension, id, bucket, n, lo, hi, before, total from w
          where ${sql.join(
            RANKS.map((k) => sql`(${k} >= before and ${k} < before + n)`),
            sql` or `,
          )}
          order by bucket`),
      );
      const out: Record<DurationMeasure, (PlacedBucket & { dimension: Dim; id: string; total: number })[]> = {
        first_response: [],
        resolution: [],
      };
      for (const r of rows)
        out[r.measure].push({
          dimension: r.dimension,
          id: r.id,
          bucket: Number(r.bucket),
          count: Number(r.n),
          min: Number(r.lo),
          max: Number(r.hi),
          before: Number(r.before),
          total: Number(r.total),
        });
      return out;
    },

    /**
     * Per local day: cycles opened and resolved, messages in and out; and inbound messages per
     * local ISO weekday and hour (the heatmap). One read of the range's quarters of `all`, summed
     * per local hour, then grouped both ways (the hours of a local day and of a weekday slot are
     * whole local hours, also in zones a half or quarter hour off UTC).
     */
    daysAndHeatmap: async (organizationId: string, span: Span, tz: string) => {
      const rows = rowsOf<{
        day: string | null;
        weekday: number | null;
        hour: number | null;
        kind: 'opened' | 'resolved' | 'inbound' | 'outbound';
        n: string;
      }>(
        await db.execute(sql`
          with h as (
            select date_trunc('hour', quarter at time zone ${tz}) as h, measure, sum(count) as n
            from report_count_quarters
            where organization_id = ${organizationId} and dimension = 'all' and quarter >= ${span.start} and quarter < ${span.end}
              and measure in ('opened', 'resolved', 'inbound', 'outbound')
            group by 1, 2
          )
          select to_char(h, 'YYYY-MM-DD') as day, null::int as weekday, null::int as hour, measure as kind, sum(n) as n
            from h group by 1, 4
          union all
          select null, extract(isodow from h)::int, extract(hour from h)::int, measure, sum(n)
            from h where measure = 'inbound' group by 2, 3, 4`),
      );
      return {
        days: rows.filter((r) => r.day !== null).map((r) => ({ day: r.day!, kind: r.kind, n: Number(r.n) })),
        heatmap: rows
          .filter((r) => r.day === null)
          .map((r) => ({ weekday: Number(r.weekday), hour: Number(r.hour), count: Number(r.n) })),
      };
    },

    /** Names of the organization's members, teams and numbers (for the tables). */
    names: async (organizationId: string) => {
      const rows = rowsOf<{ kind: Dim; id: string; name: string }>(
        await db.execute(sql`
          select 'agent' as kind, u.id, u.name from memberships m join users u on u.id = m.user_id
            where m.organization_id = ${organizationId}
          union all select 'team', id, name from teams where organization_id = ${organizationId}
          union all select 'number', id, coalesce(display_phone_number, name) || case when display_phone_number is null then '' else ' (' || name || ')' end
            from whatsapp_accounts where organization_id = ${organizationId}`),
      );
      return new Map(rows.map((r) => [`${r.kind}:${r.id}`, r.name]));
    },
  };
}
