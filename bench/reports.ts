// Bench `reports` (issue 13): the reports overview for 30 days over 1,000,000 messages and
// 100,000 conversations on PostgreSQL (PGlite when none answers): p99 ms of
// `ReportService.overview` (every query of GET /api/v1/reports/overview: cycles with their
// percentiles per number, team and agent from the rollups, days, heatmap, names), target ≤ 200.
// Baseline: the raw aggregate a report would run without the stored events — one plain
// GROUP BY over the range's messages (per day and direction), the cheapest question the overview
// answers. Seeded with generate_series SQL; the messages go in as 10 statements of 100,000 rows,
// so the database triggers build the cycles and the rollups the way the write paths do.
// REPORTS_BENCH_DB=NAME keeps the seeded database and reuses it (bench/README.md).
import { sql } from 'drizzle-orm';
import type { Principal } from '../server/src/domain/auth/auth-service';
import { createReportService } from '../server/src/domain/reports/report-service';
import { rowsOf } from '../server/src/storage/change-log';
import { openDatabase, type Database } from '../server/src/storage/db';
import { median, round, type MetricLine } from './lib/metric';
import { freshPostgres, namedPostgres } from './lib/postgres';

const CONVERSATIONS = Number(process.env.REPORTS_BENCH_CONVERSATIONS ?? 100_000);
const PER_CONVERSATION = 10;
const REPS = Number(process.env.BENCH_REPS ?? 50);
const CHUNK = 10_000;
const VACUUM = process.env.REPORTS_BENCH_VACUUM !== '0';
const MARKER = `reports bench seeded: ${CONVERSATIONS} conversations`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** Seeds the organization (members, teams, numbers, contacts, conversations, messages, resolutions). */
async function seed(db: Database['db']): Promise<string> {
  const org = (
    (await db.execute(
      sql`insert into organizations (name) values ('Bench reports') returning id`,
    )) as unknown as {
      rows: { id: string }[];
    }
  ).rows[0]!.id;
  // Business hours Mon–Fri 09:00–17:00 in Lisbon: durations go through report_business_seconds().
  const hours = JSON.stringify([...Array(5).fill([{ from: '09:00', to: '17:00' }]), [], []]);
  await db.execute(sql`insert into organization_settings (organization_id, time_zone, business_hours)
      values (${org}, 'Europe/Lisbon', ${hours}::jsonb)`);
  await db.execute(sql`insert into users (id, email, name, password_hash)
      select md5('user' || g)::uuid, 'agent' || g || '-' || ${org} || '@bench.test', 'Agent ' || g, 'x' from generate_series(0, 49) g`);
  await db.execute(sql`insert into memberships (organization_id, user_id, role)
      select ${org}, md5('user' || g)::uuid, 'agent' from generate_series(0, 49) g`);
  await db.execute(sql`insert into teams (id, organization_id, name)
      select md5('team' || g)::uuid, ${org}, 'Team ' || g from generate_series(0, 9) g`);
  await db.execute(sql`insert into whatsapp_accounts (id, organization_id, name, phone_number_id, business_account_id, access_token_enc, verify_token_enc)
      select md5('acc' || g)::uuid, ${org}, 'Number ' || g, 'pn' || g, 'waba', 'x', 'x' from generate_series(0, 9) g`);
  await db.execute(sql`insert into contacts (id, organization_id, wa_id)
      select md5('contact' || g)::uuid, ${org}, (15550000000 + g)::text from generate_series(0, ${CONVERSATIONS - 1}::int) g`);
  // Conversation g starts at a point of the 30 days; its 10 messages follow 5 minutes apart,
  // customer and agent (its assignee) in turn.
  const epoch = sql`(now() - interval '30 days')`;
  const startOf = (g: unknown) =>
    sql`${epoch} + (${g}::double precision / ${CONVERSATIONS}) * interval '30 days'`;
  await db.execute(sql`insert into conversations (id, organization_id, whatsapp_account_id, contact_id, team_id, assignee_id,
        last_conv_seq, last_message_at, created_at, updated_at)
      select md5('conv' || g)::uuid, ${org}, md5('acc' || (g % 10))::uuid, md5('contact' || g)::uuid, md5('team' || (g % 10))::uuid,
        md5('user' || (g % 50))::uuid, ${PER_CONVERSATION}, ${startOf(sql`g`)} + interval '45 minutes', ${startOf(sql`g`)}, ${startOf(sql`g`)}
      from generate_series(0, ${CONVERSATIONS - 1}::int) g`);
  for (let from = 0; from < CONVERSATIONS; from += CHUNK)
    await db.execute(sql`insert into messages (id, organization_id, conversation_id, conv_seq, direction, type, text, author_id, status,
          wa_message_id, created_at)
        select gen_random_uuid(), ${org}, md5('conv' || g)::uuid, i + 1,
          case when i % 2 = 0 then 'inbound'::message_direction else 'outbound'::message_direction end, 'text', 'bench',
          case when i % 2 = 0 then null else md5('user' || (g % 50))::uuid end,
          case when i % 2 = 0 then 'delivered'::message_status else 'sent'::message_status end,
          'wamid.' || g || '.' || i, ${startOf(sql`g`)} + i * interval '5 minutes'
        from generate_series(${from}::int, ${Math.min(CONVERSATIONS, from + CHUNK) - 1}::int) g, generate_series(0, ${PER_CONVERSATION - 1}::int) i`);
  // Four in five conversations resolved an hour after they started.
  await db.execute(sql`update conversations set status = 'resolved', updated_at = created_at + interval '1 hour'
      where organization_id = ${org} and ('x' || substr(id::text, 1, 2))::bit(8)::int % 5 <> 0`);
  return org;
}

export async function* run(): AsyncIterable<MetricLine> {
  const name = process.env.REPORTS_BENCH_DB;
  const named = name ? await namedPostgres(name) : null;
  const pgdb = named ? null : await freshPostgres('parley_bench_reports');
  const database = await openDatabase({ databaseUrl: named?.url ?? pgdb?.url, poolSize: 4 });
  const engine = named || pgdb ? 'postgres' : 'pglite';
  try {
    await database.migrate();
    const db = database.db;
    const seedStart = performance.now();
    // REPORTS_BENCH_DB: a database seeded by an earlier run (the marker comment says so) is read
    // as it is; seeding takes minutes.
    const reused =
      named &&
      !named.created &&
      rowsOf<{ c: string | null }>(
        await db.execute(
          sql`select shobj_description(oid, 'pg_database') as c from pg_database where datname = current_database()`,
        ),
      )[0]?.c === MARKER;
    const org = reused
      ? rowsOf<{ id: string }>(
          await db.execute(sql`select id from organizations where name = 'Bench reports'`),
        )[0]!.id
      : await seed(db);
    // VACUUM as autovacuum would after such a load on a deployment (this machine's PostgreSQL runs
    // with it off): dead versions pruned, the visibility map set (the index-only scan of the `all`
    // quarters). REPORTS_BENCH_VACUUM=0 measures the tables as the load left them.
    await db.execute(sql.raw(VACUUM ? 'vacuum analyze' : 'analyze'));
    if (named && !reused)
      await db.execute(sql.raw(`comment on database ${process.env.REPORTS_BENCH_DB} is '${MARKER}'`));
    const seedMs = performance.now() - seedStart;

    const reports = createReportService({ db });
    const actor = {
      userId: '00000000-0000-0000-0000-000000000001',
      organizationId: org,
      role: 'manager',
      sessionId: 'bench',
    } as Principal;
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const range = { from: day(-29), to: day(0) };
    const [{ rows: span }] = [
      (await db.execute(sql`select (${range.from}::date::timestamp at time zone 'Europe/Lisbon') as s,
        ((${range.to}::date + 1)::timestamp at time zone 'Europe/Lisbon') as e`)) as unknown as {
        rows: { s: string; e: string }[];
      },
    ];
    const raw = () =>
      db.execute(sql`select date_trunc('day', created_at at time zone 'Europe/Lisbon') as day, direction, count(*)
        from messages where organization_id = ${org} and created_at >= ${span[0]!.s} and created_at < ${span[0]!.e}
        group by 1, 2`);

    const check = await reports.overview(org, actor, range);
    if (!check.ok) throw new Error(`overview refused: ${JSON.stringify(check)}`);
    const t = check.value.totals;
    for (let i = 0; i < 3; i++) {
      await reports.overview(org, actor, range);
      await raw();
    }
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < REPS; i++) {
      let s = performance.now();
      await reports.overview(org, actor, range);
      ours.push(performance.now() - s);
      s = performance.now();
      await raw();
      base.push(performance.now() - s);
    }
    const p99 = pct(ours, 99);
    const baseP99 = pct(base, 99);
    yield {
      metric: `reports.${engine}.overview_30d_p99_ms`,
      value: round(p99),
      unit: 'ms',
      baseline: round(baseP99),
      ratio: round(baseP99 / p99),
      target: { max: 200 },
      notes: {
        engine,
        reps: REPS,
        p50_ms: round(median(ours)),
        baseline_p50_ms: round(median(base)),
        baseline: 'select day, direction, count(*) from messages (30 days) group by 1, 2',
        conversations: CONVERSATIONS,
        messages: CONVERSATIONS * PER_CONVERSATION,
        seed_s: round(seedMs / 1000),
        reused_seed: Boolean(reused),
        vacuum: VACUUM,
        totals: { opened: t.opened, resolved: t.resolved, in: t.messagesIn, out: t.messagesOut },
        first_response_median_s: t.firstResponse.medianSeconds,
        resolution_median_s: t.resolution.medianSeconds,
      },
    };
  } finally {
    await database.close();
    if (process.env.REPORTS_BENCH_KEEP) console.error(`kept ${pgdb?.url}`);
    else await pgdb?.drop();
  }
}
