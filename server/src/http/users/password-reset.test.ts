import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { addMember, createOrg, login, signup, type TestOrg } from '../../../test/factories';
import { auditEvents, memberships, sessions } from '../../storage/schema/index';

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await buildTestApp();
  org = await createOrg(t.app, 'Reset Org');
});
afterAll(() => t.app.close());

const req = (method: 'GET' | 'POST', url: string, headers: object, payload?: object) =>
  t.app.inject({ method, url, headers: headers as Record<string, string>, ...(payload && { payload }) });
const reset = (id: string, headers: object) => req('POST', `/api/v1/users/${id}/password-reset`, headers);

describe('POST /api/v1/users/:id/password-reset', () => {
  it('gives a temporary password, ends every session, and the old password stops working', async () => {
    const member = await addMember(t.app, org.admin, 'agent');
    const second = await login(t.app, member.email, member.password);
    const res = await reset(member.id, org.admin.headers);
    expect(res.statusCode, res.body).toBe(200);
    const { temporaryPassword } = res.json() as { temporaryPassword: string };
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(10);
    for (const s of [member, second]) {
      const me = await req('GET', '/api/v1/me', s.headers);
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('session_revoked');
    }
    const live = await t.database.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, member.id), isNull(sessions.revokedAt)));
    expect(live).toEqual([]);
    const old = await req(
      'POST',
      '/api/v1/auth/login',
      {},
      { email: member.email, password: member.password },
    );
    expect(old.statusCode).toBe(401);
    await login(t.app, member.email, temporaryPassword);
    const events = await t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organizationId, org.organizationId),
          eq(auditEvents.action, 'member.password_reset'),
          eq(auditEvents.targetId, member.id),
        ),
      );
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(temporaryPassword);
  });

  it('refuses managers and agents, and changes nothing', async () => {
    const member = await addMember(t.app, org.admin, 'agent');
    for (const who of [org.manager, org.agent]) {
      const res = await reset(member.id, who.headers);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect((await req('GET', '/api/v1/me', member.headers)).statusCode).toBe(200);
    await login(t.app, member.email, member.password);
  });

  it('refuses the admin’s own account and unknown or foreign ids', async () => {
    const self = await reset(org.admin.id, org.admin.headers);
    expect(self.statusCode).toBe(409);
    const other = await createOrg(t.app, 'Reset Other Org');
    expect((await reset(other.agent.id, org.admin.headers)).statusCode).toBe(404);
    expect((await reset('00000000-0000-4000-8000-000000000000', org.admin.headers)).statusCode).toBe(404);
    await login(t.app, other.agent.email, other.agent.password);
  });

  it('refuses an account that also belongs to another organization', async () => {
    const outsider = await signup(t.app, 'Reset Outsider Org');
    const invite = await req('POST', '/api/v1/users', org.admin.headers, {
      email: outsider.email,
      name: 'Outsider',
      role: 'agent',
      mode: 'link',
    });
    expect(invite.statusCode, invite.body).toBe(201);
    const token = decodeURIComponent(new URL(invite.json().inviteUrl as string).hash.slice(1));
    const accepted = await req(
      'POST',
      '/api/v1/invitations/accept',
      {},
      {
        token,
        name: 'Outsider',
        password: outsider.password,
      },
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    const res = await reset(outsider.id, org.admin.headers);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('another organization');
    expect((await req('GET', '/api/v1/me', outsider.headers)).statusCode).toBe(200);
  });
});

describe('last active', () => {
  it('is null before any connection, the heartbeat time after, and now while connected', async () => {
    const member = await addMember(t.app, org.admin, 'agent');
    const read = async () =>
      (await req('GET', `/api/v1/users/${member.id}`, org.admin.headers)).json().lastActiveAt as
        string | null;
    expect(await read()).toBeNull();
    const seen = new Date('2026-01-02T03:04:05.000Z');
    const where = and(eq(memberships.organizationId, org.organizationId), eq(memberships.userId, member.id));
    await t.database.db.update(memberships).set({ lastSeenAt: seen, online: false }).where(where);
    expect(await read()).toBe(seen.toISOString());
    const list = await req('GET', '/api/v1/users?limit=100', org.admin.headers);
    const row = (list.json().data as Array<{ id: string; lastActiveAt: string | null }>).find(
      (m) => m.id === member.id,
    );
    expect(row?.lastActiveAt).toBe(seen.toISOString());
    await t.database.db.update(memberships).set({ online: true }).where(where);
    expect(Date.parse((await read()) ?? '')).toBeGreaterThan(seen.getTime());
  });
});
