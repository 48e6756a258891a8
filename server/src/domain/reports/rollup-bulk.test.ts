import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/processes';
import { openDatabase, type Database } from '../../storage/db';

// The report triggers give the same cycles and rollups whether a history arrives one message per
// statement (live ingest) or many per statement (imports, the `reports` bench's seeding): two
// databases get the same rows with the same ids, one row by row, the other in bulk statements,
// and every reports table must match. The timeline covers a customer answered by an agent, an
// automatic message (no author: out, but no response), a conversation the business starts
// (agent, customer, agent: the response is the reply after the customer's message), replies on
// several days, resolutions and a reopening, under business hours.

const ORG = '00000000-0000-4000-8000-000000000001';
const u = (kind: string, n: number) =>
  `00000000-0000-4000-8000-${kind}${String(n).padStart(12 - kind.length, '0')}`;
const AGENTS = [u('a', 1), u('a', 2)];
const ACCOUNTS = [u('b', 1), u('b', 2)];
const TEAM = u('c', 1);
const CONVERSATIONS = 6;

type Msg = { conv: number; seq: number; at: string; dir: 'inbound' | 'outbound'; author: string | null };

// Monday 5 January 2026 onwards, UTC; business hours 09:00–17:00 Mon–Fri in Lisbon (UTC+0).
function timeline(round: 0 | 1): Msg[] {
  const out: Msg[] = [];
  for (let c = 0; c < CONVERSATIONS; c++) {
    const day = `2026-01-${String(5 + c + round * 7).padStart(2, '0')}`;
    const agent = AGENTS[c % 2]!;
    const seq0 = round * 10;
    const m = (i: number, time: string, dir: Msg['dir'], author: string | null) =>
      out.push({ conv: c, seq: seq0 + i, at: `${day}T${time}:00Z`, dir, author });
    if (c % 3 === 2) {
      // Started by the business.
      m(1, '08:00', 'outbound', agent);
      m(2, '08:30', 'inbound', null);
      m(3, '10:15', 'outbound', agent);
    } else {
      m(1, '07:45', 'inbound', null);
      m(2, '07:46', 'outbound', null);
      m(3, '09:20', 'outbound', agent);
      m(4, '11:00', 'inbound', null);
      m(5, '16:59', 'outbound', AGENTS[(c + 1) % 2]!);
    }
  }
  return out;
}

async function seed(database: Database) {
  const db = database.db;
  await db.execute(sql`insert into organizations (id, name) values (${ORG}, 'Bulk')`);
  const hours = JSON.stringify([...Array(5).fill([{ from: '09:00', to: '17:00' }]), [], []]);
  await db.execute(sql`insert into organization_settings (organization_id, time_zone, business_hours)
    values (${ORG}, 'Europe/Lisbon', ${hours}::jsonb)`);
  for (const [i, id] of AGENTS.entries())
    await db.execute(sql`insert into users (id, email, name, password_hash)
      values (${id}, ${`agent${i}@bulk.test`}, ${`Agent ${i}`}, 'x')`);
  await db.execute(sql`insert into teams (id, organization_id, name) values (${TEAM}, ${ORG}, 'Team')`);
  for (const [i, id] of ACCOUNTS.entries())
    await db.execute(sql`insert into whatsapp_accounts (id, organization_id, name, phone_number_id, business_account_id,
      access_token_enc, verify_token_enc) values (${id}, ${ORG}, ${`Number ${i}`}, ${`pn${i}`}, 'waba', 'x', 'x')`);
  for (let c = 0; c < CONVERSATIONS; c++) {
    await db.execute(
      sql`insert into contacts (id, organization_id, wa_id) values (${u('d', c)}, ${ORG}, ${`1555000${c}`})`,
    );
    await db.execute(sql`insert into conversations (id, organization_id, whatsapp_account_id, contact_id, team_id, assignee_id,
        created_at, updated_at)
      values (${u('e', c)}, ${ORG}, ${ACCOUNTS[c % 2]}, ${u('d', c)}, ${c % 2 ? TEAM : null}, ${AGENTS[c % 2]},
        '2026-01-05T07:00:00Z', '2026-01-05T07:00:00Z')`);
  }
}

async function insertMessages(database: Database, rows: Msg[]) {
  const values = rows.map(
    (m) =>
      sql`(${u('f', m.conv * 100 + m.seq)}::uuid, ${ORG}::uuid, ${u('e', m.conv)}::uuid, ${m.seq}::int,
        ${m.dir}::message_direction, 'text', 'bulk', ${m.author}::uuid,
        ${m.dir === 'inbound' ? 'delivered' : 'sent'}::message_status, ${`wamid.${m.conv}.${m.seq}`}, ${m.at}::timestamptz)`,
  );
  await database.db
    .execute(sql`insert into messages (id, organization_id, conversation_id, conv_seq, direction, type,
      text, author_id, status, wa_message_id, created_at)
    values ${sql.join(values, sql`, `)}`);
}

// Resolves conversations 0, 1, 2 and 3 on the evening of their first day, in one statement or one each.
async function resolve(database: Database, bulk: boolean) {
  const ids = [0, 1, 2, 3];
  const stmt = (cs: number[]) =>
    database.db.execute(sql`update conversations set status = 'resolved',
        updated_at = (date_trunc('day', (select min(created_at) from messages m where m.conversation_id = conversations.id))
          + interval '18 hours')
      where id in (${sql.join(
        cs.map((c) => sql`${u('e', c)}::uuid`),
        sql`, `,
      )})`);
  if (bulk) await stmt(ids);
  else for (const c of ids) await stmt([c]);
}

// Reopens conversations 0 and 1 the next morning and resolves conversation 4 that evening, in one
// statement or one each: a statement that both resolves and reopens.
async function reopenAndResolve(database: Database, bulk: boolean) {
  const first = sql`date_trunc('day', (select min(created_at) from messages m where m.conversation_id = conversations.id))`;
  const stmt = (cs: number[]) =>
    database.db.execute(sql`update conversations
      set status = case when id = ${u('e', 4)}::uuid then 'resolved'::conversation_status else 'open'::conversation_status end,
        updated_at = ${first} + case when id = ${u('e', 4)}::uuid then interval '18 hours' else interval '30 hours' end
      where id in (${sql.join(
        cs.map((c) => sql`${u('e', c)}::uuid`),
        sql`, `,
      )})`);
  const ids = [0, 1, 4];
  if (bulk) await stmt(ids);
  else for (const c of ids) await stmt([c]);
}

const tables = {
  cycles: sql`select conversation_id, whatsapp_account_id, team_id, opened_at, first_inbound_at, first_response_at,
      first_responder_id, first_response_seconds, first_response_business_seconds, resolved_at, resolved_assignee_id,
      resolution_seconds, resolution_business_seconds
    from conversation_cycles order by conversation_id, opened_at`,
  quarters: sql`select dimension, quarter, dimension_id, measure, count from report_count_quarters order by 1, 2, 3, 4`,
  days: sql`select dimension, day, dimension_id, measure, count from report_count_days order by 1, 2, 3, 4`,
  durations: sql`select measure, clock, day, dimension, dimension_id, bucket, count, min, max from report_duration_days
    order by 1, 2, 3, 4, 5, 6`,
};

async function dump(database: Database) {
  const out: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(tables))
    out[name] = ((await database.db.execute(q)) as unknown as { rows: unknown[] }).rows;
  return out;
}

let rowByRow: Database;
let bulk: Database;
// On PostgreSQL (DATABASE_URL set, `scripts/with-pg-database.mjs`) two fresh databases beside it;
// else two in-memory PGlites.
const fresh: { drop: () => Promise<void> }[] = [];

async function open(prefix: string): Promise<Database> {
  if (!process.env.DATABASE_URL) return openDatabase({});
  const f = await freshDatabase(prefix);
  fresh.push(f);
  return openDatabase({ databaseUrl: f.url, poolSize: 1 });
}

beforeAll(async () => {
  [rowByRow, bulk] = await Promise.all([open('parley_rollup_rows'), open('parley_rollup_bulk')]);
  for (const d of [rowByRow, bulk]) {
    await d.migrate();
    await seed(d);
  }
  for (const m of timeline(0)) await insertMessages(rowByRow, [m]);
  await resolve(rowByRow, false);
  await reopenAndResolve(rowByRow, false);
  for (const m of timeline(1)) await insertMessages(rowByRow, [m]);

  await insertMessages(bulk, timeline(0));
  await resolve(bulk, true);
  await reopenAndResolve(bulk, true);
  await insertMessages(bulk, timeline(1));
}, 120_000);
afterAll(async () => {
  await rowByRow?.close();
  await bulk?.close();
  for (const f of fresh) await f.drop();
});

describe('report rollups from bulk statements', () => {
  it('match the rollups built one message at a time, table by table', async () => {
    const [a, b] = [await dump(rowByRow), await dump(bulk)];
    for (const name of Object.keys(tables)) expect(b[name], name).toEqual(a[name]);
  });

  it('the row-by-row history itself has the cycles worked out by hand', async () => {
    const { cycles } = await dump(rowByRow);
    const rows = cycles as {
      conversation_id: string;
      opened_at: string | Date;
      first_response_seconds: number | null;
      first_response_business_seconds: number | null;
      resolution_seconds: number | null;
    }[];
    // 6 conversations' first cycles, and second cycles for the 5 resolved ones (reopened by hand
    // the next morning, 0 and 1, or by the customer or an agent the next week); 5 stays in its first.
    expect(rows).toHaveLength(11);
    const first = (c: number) => rows.find((r) => r.conversation_id === u('e', c))!;
    // Customer 07:45, automatic 07:46 (not a response), agent 09:20: 5700 s, business 09:00–09:20.
    expect(first(0)).toMatchObject({ first_response_seconds: 5700, first_response_business_seconds: 1200 });
    // Business-started: agent 08:00, customer 08:30, agent 10:15: from 08:30, 6300 s; business 4500 s.
    expect(first(2)).toMatchObject({ first_response_seconds: 6300, first_response_business_seconds: 4500 });
    // Resolved at 18:00 the same day, opened 07:45: 36900 s.
    expect(first(0).resolution_seconds).toBe(36900);
    // Conversation 4 resolved by the statement that reopened 0 and 1: the same 18:00.
    expect(first(4).resolution_seconds).toBe(36900);
    // Reopened by hand at 06:00 the next morning: the second cycle opens then, not at the next message.
    const second = rows.filter((r) => r.conversation_id === u('e', 0))[1]!;
    expect(new Date(second.opened_at).toISOString()).toBe('2026-01-06T06:00:00.000Z');
  });
});
