import { sql } from 'drizzle-orm';
import { rowsOf } from '../../storage/change-log';
import type { Db } from '../../storage/db';

// The reports' SQL (one caller: report-service.ts). Every statement reads the stored events of
// schema/reports.ts through an index that starts with organization_id and the event time, so
// its cost follows the range's cycles and hours, not the organization's messages.

/** The zero uuid: the rollup's "all" and "no team" dimension id. */
export const NONE = '00000000-0000-0000-0000-000000000000';

/** A range of instants, [start, end). */
export type Span = { start: Date; end: Date };

/** Which dimension a grouped row belongs to. */
export type Dim = 'all' | 'number' | 'team' | 'agent';

/** Aggregates of one event kind for one dimension value. */
export type CycleAgg = { dim: Dim; id: string | null; n: number; median: number | null; p90: number | null };

/** Cycle events whose time falls in the span. */
type CycleEvent = 'opened' | 'first_response' | 'resolved';

const TIME = { opened: sql`opened_at`, first_response: sql`first_response_at`, resolved: sql`resolved_at` };
const AGENT = {
  opened: sql`null::uuid`,
  first_response: sql`first_responder_id`,
  resolved: sql`resolved_assignee_id`,
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
     * Count (and, for first responses and resolutions, the median and 90th percentile of the
     * duration column `durations`) of the cycles whose `event` time is in the span: in total and
     * per number, team and agent, in one statement (grouping sets).
     */
    cycles: async (
      organizationId: string,
      span: Span,
      event: CycleEvent,
      durations:
        | 'first_response_seconds'
        | 'first_response_business_seconds'
        | 'resolution_seconds'
        | 'resolution_business_seconds'
        | null,
    ): Promise<CycleAgg[]> => {
      const d = durations === null ? sql`null::double precision` : sql.raw(durations);
      // Counting alone needs no sort: percentiles only where there are durations.
      const percentiles =
        durations === null
          ? sql`null::double precision[]`
          : sql`percentile_cont(array[0.5, 0.9]) within group (order by dur)`;
      const rows = rowsOf<{
        g: number;
        acc: string | null;
        team: string | null;
        agent: string | null;
        n: string;
        q: number[] | string | null;
      }>(
        await db.execute(sql`
          select grouping(whatsapp_account_id, team_id, agent) as g, whatsapp_account_id as acc, team_id as team, agent,
            count(*) as n, ${percentiles} as q
          from (select whatsapp_account_id, team_id, ${AGENT[event]} as agent, ${d} as dur
                from conversation_cycles
                where organization_id = ${organizationId} and ${TIME[event]} >= ${span.start} and ${TIME[event]} < ${span.end}) c
          group by grouping sets ((), (whatsapp_account_id), (team_id), (agent))`),
      );
      return rows.flatMap((r): CycleAgg[] => {
        const g = Number(r.g);
        const q = parseArray(r.q);
        const base = { n: Number(r.n), median: q?.[0] ?? null, p90: q?.[1] ?? null };
        // grouping() bits: account 4, team 2, agent 1; a set's own column is 0.
        if (g === 7) return [{ dim: 'all' as const, id: null, ...base }];
        if (g === 3) return [{ dim: 'number' as const, id: r.acc, ...base }];
        if (g === 5) return [{ dim: 'team' as const, id: r.team, ...base }];
        if (g === 6 && r.agent !== null) return [{ dim: 'agent' as const, id: r.agent, ...base }];
        return [];
      });
    },

    /** Messages in the span per dimension value and direction, from the hourly rollup. */
    messages: async (organizationId: string, span: Span) =>
      rowsOf<{ dimension: Dim; id: string; direction: 'inbound' | 'outbound'; n: string }>(
        await db.execute(sql`
          select dimension, dimension_id as id, direction, sum(count) as n from report_message_hours
          where organization_id = ${organizationId} and dimension in ('all', 'number', 'team', 'agent')
            and hour >= ${span.start} and hour < ${span.end}
          group by dimension, dimension_id, direction`),
      ).map((r) => ({ ...r, n: Number(r.n) })),

    /** Per local day: cycles opened and resolved, messages in and out. */
    days: async (organizationId: string, span: Span, tz: string) =>
      rowsOf<{ day: string; kind: 'opened' | 'resolved' | 'inbound' | 'outbound'; n: string }>(
        await db.execute(sql`
          select to_char((opened_at at time zone ${tz})::date, 'YYYY-MM-DD') as day, 'opened' as kind, count(*) as n
            from conversation_cycles where organization_id = ${organizationId} and opened_at >= ${span.start} and opened_at < ${span.end}
            group by 1
          union all
          select to_char((resolved_at at time zone ${tz})::date, 'YYYY-MM-DD'), 'resolved', count(*)
            from conversation_cycles where organization_id = ${organizationId} and resolved_at >= ${span.start} and resolved_at < ${span.end}
            group by 1
          union all
          select to_char((hour at time zone ${tz})::date, 'YYYY-MM-DD'), direction::text, sum(count)
            from report_message_hours
            where organization_id = ${organizationId} and dimension = 'all' and hour >= ${span.start} and hour < ${span.end}
            group by 1, 2`),
      ).map((r) => ({ ...r, n: Number(r.n) })),

    /** Inbound messages per local ISO weekday and hour. */
    heatmap: async (organizationId: string, span: Span, tz: string) =>
      rowsOf<{ weekday: number; hour: number; n: string }>(
        await db.execute(sql`
          select extract(isodow from hour at time zone ${tz})::int as weekday, extract(hour from hour at time zone ${tz})::int as hour,
            sum(count) as n
          from report_message_hours
          where organization_id = ${organizationId} and dimension = 'all' and direction = 'inbound'
            and hour >= ${span.start} and hour < ${span.end}
          group by 1, 2`),
      ).map((r) => ({ weekday: Number(r.weekday), hour: Number(r.hour), count: Number(r.n) })),

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

/** percentile_cont's array: an array from node-postgres, a `{…}` literal from PGlite. */
function parseArray(v: number[] | string | null): (number | null)[] | null {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map((x) => (x === null ? null : Number(x)));
  return v
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((x) => (x === 'NULL' ? null : Number(x)));
}
