import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BootstrapLine, SYNC_ENDPOINTS, type ChangeEntry } from '#contract/sync/protocol';
import { addMember, createOrg, type LoggedIn, type TestOrg } from '../../../test/factories';
import { connectSync, pullAll, until, type TestSocket } from '../../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';

// Issue 12: the organization's business hours reach every member's replica (sync entity
// `business_hours`, one row keyed by the organization id), so the app shows "outside business
// hours" and the away-message state offline. Tenant-public within the organization; never
// another organization's; never the away text (admin data).

let w: WhatsAppWorld;
let org: TestOrg;
let other: TestOrg;
let agent2: LoggedIn;
const sockets: TestSocket[] = [];

const hours = [[{ from: '09:00', to: '17:00' }], [{ from: '09:00', to: '17:00' }], [], [], [], [], []];
const setHours = async (admin: LoggedIn, payload: object) => {
  const res = await w.t.app.inject({
    method: 'PATCH',
    url: '/api/v1/organization',
    headers: admin.headers,
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
};
const hoursOf = (changes: ChangeEntry[]) => changes.filter((c) => c.e === 'business_hours');

beforeAll(async () => {
  w = await startWhatsAppWorld();
  [org, other] = await Promise.all([createOrg(w.t.app, 'Hours Org'), createOrg(w.t.app, 'Other Org')]);
  agent2 = await addMember(w.t.app, org.admin, 'agent');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

describe('business hours in the replica', () => {
  it('bootstrap sends the organization’s hours (defaults before any were saved) to every member', async () => {
    const res = await w.t.app.inject({
      url: `${SYNC_ENDPOINTS.bootstrap}?phase=0`,
      headers: org.agent.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const lines = res.body
      .split('\n')
      .filter(Boolean)
      .map((l) => BootstrapLine.parse(JSON.parse(l)));
    const puts = lines.filter((l) => 'e' in l && l.e === 'business_hours');
    expect(puts).toEqual([
      expect.objectContaining({
        id: org.organizationId,
        row: {
          id: org.organizationId,
          timeZone: 'UTC',
          businessHours: null,
          awayMessage: { enabled: false, gapMinutes: 720 },
        },
      }),
    ]);
    expect(lines.at(-1)).toMatchObject({ counts: { business_hours: 1 } });
  });

  it('a change reaches every member live and by pull, without the away text, and no other organization', async () => {
    const agentSocket = await connectSync(w.parleyUrl, org.agent);
    const strangerSocket = await connectSync(w.parleyUrl, other.agent);
    sockets.push(agentSocket, strangerSocket);
    await setHours(org.admin, {
      timeZone: 'Europe/Lisbon',
      businessHours: hours,
      awayMessage: { enabled: true, text: 'We are closed, back at 9', gapMinutes: 60 },
    });
    const expected = {
      id: org.organizationId,
      timeZone: 'Europe/Lisbon',
      businessHours: hours,
      awayMessage: { enabled: true, gapMinutes: 60 },
    };
    await until(() => hoursOf(agentSocket.changes()).length > 0);
    expect(hoursOf(agentSocket.changes()).at(-1)).toMatchObject({ op: 'put', row: expected });
    expect(JSON.stringify(agentSocket.changes())).not.toContain('We are closed');
    for (const member of [agent2, org.manager]) {
      const s = await connectSync(w.parleyUrl, member);
      sockets.push(s);
      const pulled = await pullAll(w.t.app, member, s.clientId);
      expect(hoursOf(pulled.changes)).toEqual([expect.objectContaining({ op: 'put', row: expected })]);
    }
    // Another organization hears nothing, and its own pull has none of ours.
    const theirs = await pullAll(w.t.app, other.agent, strangerSocket.clientId);
    expect(hoursOf(theirs.changes)).toEqual([]);
    expect(strangerSocket.changes().some((c) => c.id === org.organizationId)).toBe(false);
    // A rename alone changes no hours: nothing new for the replica's business_hours row.
    const before = hoursOf((await pullAll(w.t.app, org.agent, agentSocket.clientId)).changes).length;
    await setHours(org.admin, { name: 'Hours Org renamed' });
    expect(hoursOf((await pullAll(w.t.app, org.agent, agentSocket.clientId)).changes)).toHaveLength(before);
  });
});
