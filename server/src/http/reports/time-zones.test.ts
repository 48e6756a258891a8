import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportOverview } from '#contract/api/reports';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';
import { reportFixtures, type FixtureConversation } from '../../../test/report-fixtures';

// Local days in a zone whose midnight is not a UTC hour (issue 13): Asia/Kolkata is UTC+05:30,
// so its days run from 18:30 UTC to 18:30 UTC. An hourly UTC rollup put 00:10 local (18:40 UTC)
// into the hour starting 23:30 local the day before; the 15-minute counts and the cycles read at
// a range's ends count it on its own day. Times below are local (+05:30), no business hours.
//   C1  Tue 3 Mar 23:50 customer writes   → cycle opens on the 3rd
//       Wed 4 Mar 00:10 A replies         → first response on the 4th: 1200 s
//       Wed 4 Mar 00:20 resolved          → 1800 s, on the 4th
//   C2  Thu 5 Mar 12:00 customer writes   → inside the whole UTC day of the 5th
//       Thu 5 Mar 12:30 A replies         → 1800 s
//       Fri 6 Mar 00:05 customer writes   → the 6th, after a three-day range ending on the 5th

let w: WhatsAppWorld;
let org: TestOrg;

const at = (local: string) => new Date(`${local}+05:30`);

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Kolkata Org');
  const n1 = (await w.connect(org.admin, { name: 'Mumbai line' })).account.id;
  const set = await w.t.app.inject({
    method: 'PATCH',
    url: '/api/v1/organization',
    headers: org.admin.headers,
    payload: { timeZone: 'Asia/Kolkata', businessHours: null },
  });
  expect(set.statusCode, set.body).toBe(200);

  const { conversation, say: write, status } = reportFixtures(w.t.database.db, org.organizationId, at);
  const conv = (createdAt: Date) =>
    conversation({ whatsappAccountId: n1, assigneeId: org.agent.id, createdAt });
  const say = (c: FixtureConversation, when: string, authorId: string | null) =>
    write(c, when, authorId, authorId === null ? 'in' : 'out');

  const c1 = await conv(at('2026-03-03T23:50'));
  await say(c1, '2026-03-03T23:50', null);
  await say(c1, '2026-03-04T00:10', org.agent.id);
  await status(c1, 'resolved', '2026-03-04T00:20');

  const c2 = await conv(at('2026-03-05T12:00'));
  await say(c2, '2026-03-05T12:00', null);
  await say(c2, '2026-03-05T12:30', org.agent.id);
  await say(c2, '2026-03-06T00:05', null);
});
afterAll(() => w.close());

const overview = async (q: string) => {
  const res = await w.t.app.inject({ url: `/api/v1/reports/overview?${q}`, headers: org.manager.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ReportOverview>();
};

describe('reports in a half-hour time zone', () => {
  it('counts each event on its local day, at the ends of a one-day range', async () => {
    const tue = await overview('from=2026-03-03&to=2026-03-03');
    expect(tue.totals).toMatchObject({ opened: 1, resolved: 0, messagesIn: 1, messagesOut: 0 });
    expect(tue.totals.firstResponse.count).toBe(0);
    const wed = await overview('from=2026-03-04&to=2026-03-04');
    expect(wed.totals).toMatchObject({
      opened: 0,
      resolved: 1,
      messagesIn: 0,
      messagesOut: 1,
      firstResponse: { count: 1, medianSeconds: 1200, p90Seconds: 1200 },
      resolution: { count: 1, medianSeconds: 1800, p90Seconds: 1800 },
    });
    expect(wed.byAgent).toEqual([
      expect.objectContaining({
        id: org.agent.id,
        messagesOut: 1,
        resolved: 1,
        firstResponse: expect.objectContaining({ count: 1 }),
      }),
    ]);
  });

  it('adds whole UTC days and the quarters at both ends of a longer range', async () => {
    const r = await overview('from=2026-03-03&to=2026-03-05');
    expect(r.totals).toMatchObject({
      opened: 2,
      resolved: 1,
      messagesIn: 2,
      messagesOut: 2,
      // [1200, 1800]: median 1500, p90 1200 + 0.9 × 600
      firstResponse: { count: 2, medianSeconds: 1500, p90Seconds: 1740 },
    });
    expect(r.byDay).toEqual([
      { date: '2026-03-03', opened: 1, resolved: 0, messagesIn: 1, messagesOut: 0 },
      { date: '2026-03-04', opened: 0, resolved: 1, messagesIn: 0, messagesOut: 1 },
      { date: '2026-03-05', opened: 1, resolved: 0, messagesIn: 1, messagesOut: 1 },
    ]);
    // Local hours, not UTC ones shifted by 30 minutes: 23:50 Tue and 12:00 Thu.
    expect(r.heatmap).toEqual([
      { weekday: 2, hour: 23, count: 1 },
      { weekday: 4, hour: 12, count: 1 },
    ]);
    const next = await overview('from=2026-03-06&to=2026-03-06');
    expect(next.totals).toMatchObject({ opened: 0, messagesIn: 1 });
    expect(next.heatmap).toEqual([{ weekday: 5, hour: 0, count: 1 }]);
  });
});
