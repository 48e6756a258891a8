import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, createTeam, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';
import { auditEvents, conversations, syncLog } from '../../storage/schema/index';

// After "Connect number": the verification step (Meta's GET handshake recorded per verify
// token) and the default team new conversations on the number land in.

let w: WhatsAppWorld;
let org: TestOrg;
let other: TestOrg;
beforeAll(async () => {
  w = await startWhatsAppWorld();
  [org, other] = await Promise.all([createOrg(w.t.app, 'Setup'), createOrg(w.t.app, 'Setup other')]);
});
afterAll(() => w.close());

const get = async (id: string) =>
  (
    await w.t.app.inject({
      method: 'GET',
      url: `/api/v1/whatsapp-accounts/${id}`,
      headers: org.admin.headers,
    })
  ).json<{
    webhookVerifiedAt: string | null;
    defaultTeamId: string | null;
  }>();
const putTeam = (id: string, teamId: string | null, headers = org.admin.headers) =>
  w.t.app.inject({
    method: 'PUT',
    url: `/api/v1/whatsapp-accounts/${id}/default-team`,
    headers,
    payload: { teamId },
  });

describe('webhook verification', () => {
  it('is recorded when Meta’s handshake succeeds, logged for sync, and cleared with a new verify token', async () => {
    const n = await w.connect(org.admin);
    expect(n.account.webhookVerifiedAt).toBeNull();
    // A wrong token is refused and records nothing.
    const wrong = await w.t.app.inject({
      method: 'GET',
      url: `/webhooks/whatsapp/${n.account.id}?hub.mode=subscribe&hub.verify_token=nope-nope&hub.challenge=42`,
    });
    expect(wrong.statusCode).toBe(403);
    expect((await get(n.account.id)).webhookVerifiedAt).toBeNull();
    // What Meta's App Dashboard does when the admin presses "Verify and save".
    expect(await w.emu.control.verifyWebhook(n.phoneNumberId)).toBe(true);
    const verified = (await get(n.account.id)).webhookVerifiedAt;
    expect(verified).not.toBeNull();
    const logged = await w.t.database.db
      .select()
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.entityId, n.account.id)));
    expect(logged.length).toBeGreaterThanOrEqual(2); // connected, then verified
    // Meta checking again does not move it.
    expect(await w.emu.control.verifyWebhook(n.phoneNumberId)).toBe(true);
    expect((await get(n.account.id)).webhookVerifiedAt).toBe(verified);
    const patched = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/whatsapp-accounts/${n.account.id}`,
      headers: org.admin.headers,
      payload: { verifyToken: 'a-brand-new-verify-token' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().webhookVerifiedAt).toBeNull();
  });
});

describe('default team', () => {
  it('puts new conversations on the number in the team; existing ones keep theirs', async () => {
    const n = await w.connect(org.admin);
    const early = n.addCustomer('Early');
    await n.send(early, { type: 'text', body: 'before the default team' });
    const team = await createTeam(w.t.app, org.admin, 'Sales line');
    const res = await putTeam(n.account.id, team.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().defaultTeamId).toBe(team.id);
    const late = n.addCustomer('Late');
    await n.send(late, { type: 'text', body: 'after the default team' });
    await n.send(early, { type: 'text', body: 'again' });
    const convs = await w.t.database.db
      .select({ teamId: conversations.teamId, createdAt: conversations.createdAt })
      .from(conversations)
      .where(eq(conversations.whatsappAccountId, n.account.id))
      .orderBy(conversations.createdAt);
    expect(convs.map((c) => c.teamId)).toEqual([null, team.id]);
    const events = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.organizationId), eq(auditEvents.targetId, n.account.id)));
    expect(events.map((e) => e.summary)).toContainEqual(expect.stringContaining('team "Sales line"'));
    // Cleared: the next new conversation has no team.
    expect((await putTeam(n.account.id, null)).json().defaultTeamId).toBeNull();
    // Deleting the team clears it too.
    await putTeam(n.account.id, team.id);
    const del = await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/teams/${team.id}`,
      headers: org.admin.headers,
    });
    expect(del.statusCode).toBe(204);
    expect((await get(n.account.id)).defaultTeamId).toBeNull();
  });

  it('refuses managers and agents, another organization’s team, and another organization’s number', async () => {
    const n = await w.connect(org.admin);
    const team = await createTeam(w.t.app, org.admin, 'Refusals');
    for (const who of [org.manager, org.agent]) {
      const res = await putTeam(n.account.id, team.id, who.headers);
      expect(res.statusCode).toBe(403);
    }
    const theirs = await createTeam(w.t.app, other.admin, 'Theirs');
    const foreignTeam = await putTeam(n.account.id, theirs.id);
    expect(foreignTeam.statusCode).toBe(400);
    expect(foreignTeam.json().error.details.fields[0].path).toBe('body.teamId');
    expect((await putTeam(n.account.id, team.id, other.admin.headers)).statusCode).toBe(404);
    expect((await get(n.account.id)).defaultTeamId).toBeNull();
  });
});
