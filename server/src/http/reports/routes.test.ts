import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportOverview } from '#contract/api/reports';
import { createOrg, createTeam, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';
import { reportFixtures } from '../../../test/report-fixtures';

// The reports against a hand-computed fixture (issue 13). The rows are written the way every
// write path writes them (messages inserted, conversation statuses updated), so the database
// triggers (migrations `report_triggers`, `report_rollup_triggers`) build the cycles and the
// rollups; the expected numbers below were worked out by hand from the timeline in the comments.
//
// Organization in America/New_York (UTC−5 in January), business hours Mon–Fri 09:00–17:00,
// Wednesday split 09:00–12:00 and 13:00–17:00. Week of Monday 5 January 2026. Times are local.
//   C1 (number N1, team T, agent A)
//     Mon 08:00 customer writes         → cycle 1 opens
//     Mon 09:30 A replies               → first response: wall 1 h 30 = 5400 s, business 09:00–09:30 = 1800 s
//     Mon 10:00 resolved                → resolution: wall 7200 s, business 3600 s
//     Tue 16:30 customer writes again   → cycle 2 opens (reopened)
//     Wed 09:15 A replies               → wall 60300 s; business Tue 16:30–17:00 + Wed 09:00–09:15 = 2700 s
//     Wed 14:00 resolved                → wall 77400 s; business 1800 + 10800 + 3600 = 16200 s
//   C2 (number N2, no team, manager M)
//     Sat 11:00 customer writes         → cycle opens
//     Sat 11:01 automatic away message  → no author: counts as out, not as a response
//     Sat 11:10 M replies               → wall 600 s, business 0 s (Saturday closed)
//     Sun 22:00 customer writes         → Monday 03:00 UTC: inside the local week, outside the UTC one
//     Mon 12 Jan 10:00 resolved         → after the range
//   C3 (number N1, team T, unassigned, started by the business)
//     Thu 10:00 A writes first          → cycle opens without a customer message
//     Thu 10:30 customer answers        → first-response clock starts
//     Thu 11:00 A replies               → 1800 s, business 1800 s

let w: WhatsAppWorld;
let org: TestOrg;
let team: { id: string };
let n1: string;
let n2: string;

const at = (local: string) => new Date(`${local}-05:00`);

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Reports Org');
  team = await createTeam(w.t.app, org.admin, 'Tier 1', [org.agent.id]);
  n1 = (await w.connect(org.admin, { name: 'Sales line' })).account.id;
  n2 = (await w.connect(org.admin, { name: 'Support line' })).account.id;
  const hours = [
    [{ from: '09:00', to: '17:00' }],
    [{ from: '09:00', to: '17:00' }],
    [
      { from: '09:00', to: '12:00' },
      { from: '13:00', to: '17:00' },
    ],
    [{ from: '09:00', to: '17:00' }],
    [{ from: '09:00', to: '17:00' }],
    [],
    [],
  ];
  const set = await w.t.app.inject({
    method: 'PATCH',
    url: '/api/v1/organization',
    headers: org.admin.headers,
    payload: { timeZone: 'America/New_York', businessHours: hours },
  });
  expect(set.statusCode, set.body).toBe(200);

  const { conversation, say, status } = reportFixtures(w.t.database.db, org.organizationId, at);
  const conv = (account: string, teamId: string | null, assigneeId: string | null, createdAt: Date) =>
    conversation({ whatsappAccountId: account, teamId, assigneeId, createdAt });

  const c1 = await conv(n1, team.id, org.agent.id, at('2026-01-05T08:00'));
  await say(c1, '2026-01-05T08:00', null, 'in');
  await say(c1, '2026-01-05T09:30', org.agent.id, 'out');
  await status(c1, 'resolved', '2026-01-05T10:00');
  // As ingest does: the message first, then the reopening (its cycle is already open).
  await say(c1, '2026-01-06T16:30', null, 'in');
  await status(c1, 'open', '2026-01-06T16:30');
  await say(c1, '2026-01-07T09:15', org.agent.id, 'out');
  await status(c1, 'resolved', '2026-01-07T14:00');

  const c2 = await conv(n2, null, org.manager.id, at('2026-01-10T11:00'));
  await say(c2, '2026-01-10T11:00', null, 'in');
  await say(c2, '2026-01-10T11:01', null, 'out');
  await say(c2, '2026-01-10T11:10', org.manager.id, 'out');
  await say(c2, '2026-01-11T22:00', null, 'in');
  await status(c2, 'resolved', '2026-01-12T10:00');

  const c3 = await conv(n1, team.id, null, at('2026-01-08T10:00'));
  await say(c3, '2026-01-08T10:00', org.agent.id, 'out');
  await say(c3, '2026-01-08T10:30', null, 'in');
  await say(c3, '2026-01-08T11:00', org.agent.id, 'out');
});
afterAll(() => w.close());

const overview = async (who = org.manager, q = 'from=2026-01-05&to=2026-01-11') => {
  const res = await w.t.app.inject({ url: `/api/v1/reports/overview?${q}`, headers: who.headers });
  return res;
};

const d = (count: number, medianSeconds: number | null, p90Seconds: number | null) => ({
  count,
  medianSeconds,
  p90Seconds,
});

describe('reports overview', () => {
  it('counts the fixture week as worked out by hand, in business hours', async () => {
    const res = await overview();
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json<ReportOverview>();
    expect(r).toMatchObject({ timeZone: 'America/New_York', businessHours: true });
    expect(r.totals).toEqual({
      opened: 4,
      resolved: 2,
      messagesIn: 5,
      messagesOut: 6,
      // [0, 1800, 1800, 2700]: median 1800, p90 at 2.7 → 1800 + 0.7 × 900
      firstResponse: d(4, 1800, 2430),
      // [3600, 16200]: median 9900, p90 3600 + 0.9 × 12600
      resolution: d(2, 9900, 14940),
    });
    expect(r.byDay).toEqual([
      { date: '2026-01-05', opened: 1, resolved: 1, messagesIn: 1, messagesOut: 1 },
      { date: '2026-01-06', opened: 1, resolved: 0, messagesIn: 1, messagesOut: 0 },
      { date: '2026-01-07', opened: 0, resolved: 1, messagesIn: 0, messagesOut: 1 },
      { date: '2026-01-08', opened: 1, resolved: 0, messagesIn: 1, messagesOut: 2 },
      { date: '2026-01-09', opened: 0, resolved: 0, messagesIn: 0, messagesOut: 0 },
      { date: '2026-01-10', opened: 1, resolved: 0, messagesIn: 1, messagesOut: 2 },
      { date: '2026-01-11', opened: 0, resolved: 0, messagesIn: 1, messagesOut: 0 },
    ]);
    expect(r.heatmap).toEqual([
      { weekday: 1, hour: 8, count: 1 },
      { weekday: 2, hour: 16, count: 1 },
      { weekday: 4, hour: 10, count: 1 },
      { weekday: 6, hour: 11, count: 1 },
      { weekday: 7, hour: 22, count: 1 },
    ]);
    const agent = r.byAgent.find((a) => a.id === org.agent.id);
    expect(agent).toMatchObject({
      messagesOut: 4,
      // [1800, 1800, 2700]: p90 at 1.8 → 1800 + 0.8 × 900
      firstResponse: d(3, 1800, 2520),
      resolved: 2,
      resolution: d(2, 9900, 14940),
    });
    expect(r.byAgent.find((a) => a.id === org.manager.id)).toMatchObject({
      messagesOut: 1,
      firstResponse: d(1, 0, 0),
      resolved: 0,
      resolution: d(0, null, null),
    });
    expect(r.byAgent).toHaveLength(2);
    const tier = { opened: 3, resolved: 2, messagesIn: 3, messagesOut: 4, firstResponse: d(3, 1800, 2520) };
    const none = { opened: 1, resolved: 0, messagesIn: 2, messagesOut: 2, firstResponse: d(1, 0, 0) };
    expect(r.byTeam).toEqual([
      expect.objectContaining({ id: null, name: 'No team', ...none }),
      expect.objectContaining({ id: team.id, name: 'Tier 1', ...tier }),
    ]);
    expect(r.byNumber.find((n) => n.id === n1)).toMatchObject(tier);
    expect(r.byNumber.find((n) => n.id === n2)).toMatchObject(none);
  });

  it('a range of one day counts only that local day', async () => {
    const r = (await overview(org.admin, 'from=2026-01-11&to=2026-01-11')).json<ReportOverview>();
    expect(r.totals).toMatchObject({ opened: 0, resolved: 0, messagesIn: 1, messagesOut: 0 });
    const next = (await overview(org.admin, 'from=2026-01-12&to=2026-01-12')).json<ReportOverview>();
    expect(next.totals).toMatchObject({ resolved: 1, resolution: d(1, 3600, 3600), messagesIn: 0 });
  });

  it('without a range, reports the 30 local days ending today', async () => {
    const r = (await overview(org.admin, '')).json<ReportOverview>();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());
    expect(r.to).toBe(today);
    expect(r.byDay).toHaveLength(30);
    expect(r.byDay.at(-1)!.date).toBe(today);
  });

  it('refuses agents, strangers and bad ranges', async () => {
    const refused = await overview(org.agent);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect(
      (await w.t.app.inject({ url: '/api/v1/reports/overview?from=2026-01-05&to=2026-01-11' })).statusCode,
    ).toBe(401);
    for (const q of [
      'from=2026-01-11&to=2026-01-05',
      'from=2026-02-30&to=2026-03-01',
      'from=2025-01-01&to=2026-06-01',
      'from=2999-01-01',
      'until=2026-01-01',
    ]) {
      const res = await overview(org.admin, q);
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('without business hours, durations are wall-clock time', async () => {
    const res = await w.t.app.inject({
      method: 'PATCH',
      url: '/api/v1/organization',
      headers: org.admin.headers,
      payload: { businessHours: null },
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = (await overview()).json<ReportOverview>();
    expect(r.businessHours).toBe(false);
    // [600, 1800, 5400, 60300]: median 3600, p90 5400 + 0.7 × 54900
    expect(r.totals.firstResponse).toEqual(d(4, 3600, 43830));
    // [7200, 77400]: median 42300, p90 7200 + 0.9 × 70200
    expect(r.totals.resolution).toEqual(d(2, 42300, 70380));
  });
});
