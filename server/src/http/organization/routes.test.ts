import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrg, createTeam, type LoggedIn, type TestOrg } from '../../../test/factories';
import { connectSync, pullAll, seedConversation, until } from '../../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';

let w: WhatsAppWorld;
let org: TestOrg;
let teammate: LoggedIn;
let team: { id: string };
let accountId: string;

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Settings Org');
  teammate = await addMember(w.t.app, org.admin, 'agent');
  team = await createTeam(w.t.app, org.admin, undefined, [org.agent.id, teammate.id]);
  accountId = (await w.connect(org.admin)).account.id;
});
afterAll(() => w.close());

const call = (who: LoggedIn, method: 'GET' | 'PATCH', payload?: object) =>
  w.t.app.inject({
    method,
    url: '/api/v1/organization',
    headers: who.headers,
    ...(payload && { payload }),
  });

describe('organization settings', () => {
  it('shows the organization to admins only', async () => {
    const res = await call(org.admin, 'GET');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      id: org.organizationId,
      name: expect.any(String),
      agentsSeeAllTeamConversations: false,
      timeZone: 'UTC',
      businessHours: null,
      awayMessage: { enabled: false, text: null, gapMinutes: 720 },
      defaultWhatsappAccountId: null,
      monthlyMessageQuota: null,
      createdAt: expect.any(String),
    });
    for (const who of [org.manager, org.agent]) {
      expect((await call(who, 'GET')).statusCode).toBe(403);
      const refused = await call(who, 'PATCH', { agentsSeeAllTeamConversations: true });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('forbidden');
    }
    expect((await call(org.admin, 'GET')).json().agentsSeeAllTeamConversations).toBe(false);
    const anonymous = await w.t.app.inject({ url: '/api/v1/organization' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('renames; refuses an empty change, unknown fields and a blank name', async () => {
    const res = await call(org.admin, 'PATCH', { name: '  Settings Org Renamed ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Settings Org Renamed', agentsSeeAllTeamConversations: false });
    for (const bad of [
      {},
      { name: '' },
      { organizationId: randomUUID() },
      { agentsSeeAllTeamConversations: 'yes' },
    ]) {
      const refused = await call(org.admin, 'PATCH', bad);
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
      expect(refused.json().error.code).toBe('invalid_input');
    }
  });

  it('lets agents see all of their teams’ conversations, live and in pulls, and takes it back', async () => {
    const teammates = await seedConversation(w.t.database.db, org.organizationId, accountId, {
      teamId: team.id,
      assigneeId: teammate.id,
      messages: 2,
    });
    const conversationUrl = `/api/v1/conversations/${teammates.conversationId}`;
    const rest = () => w.t.app.inject({ url: conversationUrl, headers: org.agent.headers });
    expect((await rest()).statusCode).toBe(404);
    const before = await pullAll(w.t.app, org.agent, randomUUID());
    expect(before.changes.some((c) => c.e === 'conversation' && c.id === teammates.conversationId)).toBe(
      false,
    );

    const live = await connectSync(w.parleyUrl, org.agent, { cursor: before.last.nextCursor });
    try {
      const on = await call(org.admin, 'PATCH', { agentsSeeAllTeamConversations: true });
      expect(on.statusCode, on.body).toBe(200);
      expect(on.json().agentsSeeAllTeamConversations).toBe(true);
      expect((await call(org.admin, 'GET')).json().agentsSeeAllTeamConversations).toBe(true);
      // The connected agent is moved from the team queue group to the whole-team group.
      await until(
        () => live.changes().some((c) => c.e === 'group' && c.op === 'group_join'),
        5_000,
        'live group_join',
      );
      expect(live.changes()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ e: 'group', op: 'group_leave', group: `team:${team.id}` }),
          expect.objectContaining({ e: 'group', op: 'group_join', group: `team_all:${team.id}` }),
        ]),
      );
      expect((await rest()).statusCode).toBe(200);
      const after = await pullAll(w.t.app, org.agent, randomUUID());
      expect(
        after.changes.find((c) => c.e === 'conversation' && c.id === teammates.conversationId),
      ).toMatchObject({ op: 'put' });
      // Setting the same value again changes nothing and logs nothing.
      const again = await call(org.admin, 'PATCH', { agentsSeeAllTeamConversations: true });
      expect(again.statusCode).toBe(200);
      const unchanged = await pullAll(w.t.app, org.agent, randomUUID(), after.last.nextCursor);
      expect(unchanged.changes).toEqual([]);

      const off = await call(org.admin, 'PATCH', { agentsSeeAllTeamConversations: false });
      expect(off.json().agentsSeeAllTeamConversations).toBe(false);
      await until(
        () =>
          live
            .changes()
            .some(
              (c) => c.e === 'group' && c.op === 'group_leave' && JSON.stringify(c).includes('team_all:'),
            ),
        5_000,
        'live group_leave',
      );
      expect((await rest()).statusCode).toBe(404);
      // Managers see it throughout.
      expect((await w.t.app.inject({ url: conversationUrl, headers: org.manager.headers })).statusCode).toBe(
        200,
      );
    } finally {
      live.close();
    }
  });

  it('saves the time zone, business hours and away message; refuses bad ones with the field named', async () => {
    const week = [
      [
        { from: '09:00', to: '12:00' },
        { from: '13:00', to: '17:30' },
      ],
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    const res = await call(org.admin, 'PATCH', {
      timeZone: 'Europe/Lisbon',
      businessHours: week,
      awayMessage: { enabled: true, text: 'We are closed; back at 9.', gapMinutes: 600 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      timeZone: 'Europe/Lisbon',
      businessHours: week,
      awayMessage: { enabled: true, text: 'We are closed; back at 9.', gapMinutes: 600 },
    });
    expect((await call(org.admin, 'GET')).json().businessHours).toEqual(week);
    for (const bad of [
      { timeZone: 'Mars/Olympus' },
      { businessHours: [[], [], []] },
      { businessHours: [[{ from: '10:00', to: '09:00' }], [], [], [], [], [], []] },
      {
        businessHours: [
          [
            { from: '09:00', to: '12:00' },
            { from: '11:00', to: '13:00' },
          ],
          [],
          [],
          [],
          [],
          [],
          [],
        ],
      },
      { businessHours: [[{ from: '9:00', to: '12:00' }], [], [], [], [], [], []] },
      { awayMessage: { enabled: true, text: null, gapMinutes: 60 } },
      { awayMessage: { enabled: false, text: null, gapMinutes: 0 } },
    ]) {
      const refused = await call(org.admin, 'PATCH', bad);
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
    }
    const audit = await w.t.app.inject({
      url: '/api/v1/audit-events?action=organization.settings_changed',
      headers: org.admin.headers,
    });
    expect(audit.json().data[0].summary).toBe(
      'Changed the time zone from UTC to Europe/Lisbon and changed the business hours and turned on the away message',
    );
  });
});
