import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrg, createTeam, type LoggedIn, type TestOrg } from '../../test/factories';
import { connectSync, pullAll, until, type TestSocket } from '../../test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../test/whatsapp';
import { auditEvents, conversations, syncLog } from '../storage/schema/index';

// Issue 10, member-owned numbers: the visibility matrix's cases for a number that belongs to
// one member. Its new conversations are the owner's (assigned in the ingest transaction); an
// agent who is not the owner — even one of the conversation's team, with "agents see all team
// conversations" on — sees none of it over REST, pull or the live socket; managers and admins
// do. Giving the number back to the organization grants and revokes as an assignment does.

let w: WhatsAppWorld;
let org: TestOrg;
let owner: LoggedIn;
let teammate: LoggedIn;
let n: ConnectedNumber;
let teamId: string;
const sockets: TestSocket[] = [];

const conversationOf = async (accountId: string) => {
  const rows = await w.t.database.db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, org.organizationId),
        eq(conversations.whatsappAccountId, accountId),
      ),
    );
  return rows;
};

/** Gives the number to `ownerUserId` (null: back to the organization) as `headers`' member. */
const setOwner = (ownerUserId: string | null, headers = org.admin.headers) =>
  w.t.app.inject({
    method: 'PATCH',
    url: `/api/v1/whatsapp-accounts/${n.account.id}`,
    headers,
    payload: { ownerUserId },
  });

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Member-owned numbers');
  owner = org.agent;
  teammate = await addMember(w.t.app, org.admin, 'agent', 'Teammate');
  teamId = (await createTeam(w.t.app, org.admin, 'Owners team', [owner.id, teammate.id])).id;
  const policy = await w.t.app.inject({
    method: 'PATCH',
    url: '/api/v1/organization',
    headers: org.admin.headers,
    payload: { agentsSeeAllTeamConversations: true },
  });
  expect(policy.statusCode, policy.body).toBe(200);
  n = await w.connect(org.admin, { name: 'Owner line' });
}, 240_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

describe('a member-owned number', () => {
  it('is given to a member by an admin only, audited; the owner must be an active member', async () => {
    const asManager = await setOwner(owner.id, org.manager.headers);
    expect(asManager.statusCode).toBe(403);
    const stranger = await setOwner('00000000-0000-4000-8000-000000000000');
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().error.message).toContain('active member');
    const res = await setOwner(owner.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ownerUserId).toBe(owner.id);
    const events = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organizationId, org.organizationId),
          eq(auditEvents.action, 'whatsapp_account.owner_changed'),
        ),
      );
    expect(events).toHaveLength(1);
    expect(events[0]!.summary).toContain('Owner line');
  });

  it('assigns a new conversation to the owner and hides it from a teammate over REST, pull and socket', async () => {
    const ownerSocket = await connectSync(w.parleyUrl, owner);
    const teammateSocket = await connectSync(w.parleyUrl, teammate);
    sockets.push(ownerSocket, teammateSocket);
    const customer = n.addCustomer('Private customer');
    await n.send(customer, { type: 'text', body: 'secret for the owner' });
    await w.settle();
    const [conv] = await conversationOf(n.account.id);
    expect(conv).toMatchObject({ assigneeId: owner.id, ownerId: owner.id, autoAssignPending: false });
    // Even in the owner's team, with the policy on, the teammate's queue does not show it.
    await w.t.database.db.update(conversations).set({ teamId }).where(eq(conversations.id, conv!.id));

    const urls = [
      `/api/v1/conversations/${conv!.id}`,
      `/api/v1/conversations/${conv!.id}/messages`,
      `/api/v1/messages/${conv!.lastMessageId}`,
      `/api/v1/contacts/${conv!.contactId}`,
    ];
    for (const url of urls) {
      expect((await w.t.app.inject({ url, headers: owner.headers })).statusCode, url).toBe(200);
      expect((await w.t.app.inject({ url, headers: org.manager.headers })).statusCode, url).toBe(200);
      expect((await w.t.app.inject({ url, headers: org.admin.headers })).statusCode, url).toBe(200);
      const hidden = await w.t.app.inject({ url, headers: teammate.headers });
      expect(hidden.statusCode, url).toBe(404);
      expect(hidden.body).not.toContain('secret for the owner');
    }
    const list = await w.t.app.inject({ url: '/api/v1/conversations', headers: teammate.headers });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(conv!.id);

    const pulledByTeammate = await pullAll(w.t.app, teammate, teammateSocket.clientId);
    expect(pulledByTeammate.changes.some((c) => 'id' in c && c.id === conv!.id)).toBe(false);
    expect(JSON.stringify(pulledByTeammate.changes)).not.toContain('secret for the owner');
    const pulledByOwner = await pullAll(w.t.app, owner, ownerSocket.clientId);
    expect(pulledByOwner.changes.some((c) => c.e === 'conversation' && c.id === conv!.id)).toBe(true);

    await until(
      () => ownerSocket.changes().some((c) => c.e === 'message' && c.op === 'put'),
      5_000,
      'the owner’s live packet',
    );
    expect(teammateSocket.changes().some((c) => c.e === 'conversation' && c.id === conv!.id)).toBe(false);
    expect(JSON.stringify(teammateSocket.packets)).not.toContain('secret for the owner');
  });

  it('keeps it from the team when a manager unassigns it; the owner still sees it', async () => {
    const [conv] = await conversationOf(n.account.id);
    const res = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${conv!.id}`,
      headers: org.manager.headers,
      payload: { assigneeId: null },
    });
    expect(res.statusCode, res.body).toBe(200);
    const url = `/api/v1/conversations/${conv!.id}`;
    expect((await w.t.app.inject({ url, headers: owner.headers })).statusCode).toBe(200);
    expect((await w.t.app.inject({ url, headers: teammate.headers })).statusCode).toBe(404);
  });

  it('grants and revokes when the number goes back to the organization', async () => {
    const [conv] = await conversationOf(n.account.id);
    const teammateSocket = sockets[1]!;
    const res = await setOwner(null);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ownerUserId).toBeNull();
    const entries = await w.t.database.db
      .select()
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.entityId, conv!.id)));
    // Unassigned, in the team: the team's members see it now (the owner as a team member too).
    const grants = entries.filter((e) => e.op === 4).map((e) => e.subjectUser);
    expect(grants).toContain(teammate.id);
    const [after] = await conversationOf(n.account.id);
    expect(after!.ownerId).toBeNull();
    await until(
      () => teammateSocket.changes().some((c) => c.op === 'grant' && c.id === conv!.id),
      5_000,
      'the teammate’s grant',
    );
    const url = `/api/v1/conversations/${conv!.id}`;
    expect((await w.t.app.inject({ url, headers: teammate.headers })).statusCode).toBe(200);

    // And back to the owner: the teammate's sight is revoked.
    const again = await setOwner(owner.id);
    expect(again.statusCode).toBe(200);
    await until(
      () => teammateSocket.changes().some((c) => c.op === 'revoke' && c.id === conv!.id),
      5_000,
      'the teammate’s revoke',
    );
    expect((await w.t.app.inject({ url, headers: teammate.headers })).statusCode).toBe(404);
  });

  it('goes back to the organization when its owner is deactivated, audited; the team sees its conversations', async () => {
    const [conv] = await conversationOf(n.account.id);
    const url = `/api/v1/conversations/${conv!.id}`;
    expect((await w.t.app.inject({ url, headers: teammate.headers })).statusCode).toBe(404);
    const teammateGrants = async () =>
      (
        await w.t.database.db
          .select()
          .from(syncLog)
          .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.entityId, conv!.id)))
      ).filter((e) => e.op === 4 && e.subjectUser === teammate.id).length;
    const grantsBefore = await teammateGrants();
    const res = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${owner.id}`,
      headers: org.admin.headers,
      payload: { deactivated: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    const number = await w.t.app.inject({
      url: `/api/v1/whatsapp-accounts/${n.account.id}`,
      headers: org.admin.headers,
    });
    expect(number.json().ownerUserId).toBeNull();
    const [after] = await conversationOf(n.account.id);
    expect(after!.ownerId).toBeNull();
    // The team's queue shows it again: not left to managers alone.
    expect((await w.t.app.inject({ url, headers: teammate.headers })).statusCode).toBe(200);
    const events = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organizationId, org.organizationId),
          eq(auditEvents.action, 'whatsapp_account.owner_changed'),
        ),
      );
    const last = events.find((e) => e.summary.includes('was deactivated'));
    expect(last?.summary).toMatch(
      /^Gave WhatsApp number Owner line \(.+\) back to the organization because "agent" was deactivated$/,
    );
    expect(last?.details).toMatchObject({ before: { ownerUserId: owner.id }, after: { ownerUserId: null } });
    // Replicas follow: the teammate is granted the conversation in the log.
    expect(await teammateGrants()).toBe(grantsBefore + 1);

    // A reactivation does not give the number back.
    const back = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${owner.id}`,
      headers: org.admin.headers,
      payload: { deactivated: false },
    });
    expect(back.statusCode).toBe(200);
    const still = await w.t.app.inject({
      url: `/api/v1/whatsapp-accounts/${n.account.id}`,
      headers: org.admin.headers,
    });
    expect(still.json().ownerUserId).toBeNull();
  });

  it('goes back to the organization when its owner is removed, audited', async () => {
    const leaving = await addMember(w.t.app, org.admin, 'agent', 'Leaving owner');
    const url = `/api/v1/whatsapp-accounts/${n.account.id}`;
    const give = await setOwner(leaving.id);
    expect(give.statusCode, give.body).toBe(200);
    const [owned] = await conversationOf(n.account.id);
    expect(owned!.ownerId).toBe(leaving.id);
    const res = await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${leaving.id}`,
      headers: org.admin.headers,
    });
    expect(res.statusCode, res.body).toBe(204);
    expect((await w.t.app.inject({ url, headers: org.admin.headers })).json().ownerUserId).toBeNull();
    const [after] = await conversationOf(n.account.id);
    expect(after!.ownerId).toBeNull();
    const events = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organizationId, org.organizationId),
          eq(auditEvents.action, 'whatsapp_account.owner_changed'),
        ),
      );
    expect(events.some((e) => e.summary.endsWith('because "Leaving owner" was removed'))).toBe(true);
  });
});
