import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { addMember, createOrg, login, signup, uniqueEmail, type TestOrg } from '../../../test/factories';
import { memberships, sessions } from '../../storage/schema/index';

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await buildTestApp();
  org = await createOrg(t.app, 'Users Org');
});
afterAll(() => t.app.close());

const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: object, payload?: object) =>
  t.app.inject({ method, url, headers: headers as Record<string, string>, ...(payload && { payload }) });

describe('listing and reading', () => {
  it('lets every role list and read members', async () => {
    for (const who of [org.admin, org.manager, org.agent]) {
      const res = await req('GET', '/api/v1/users', who.headers);
      expect(res.statusCode).toBe(200);
      const ids = res.json().data.map((m: { id: string }) => m.id);
      // The admin joined first; the factory adds manager and agent concurrently.
      expect(ids[0]).toBe(org.admin.id);
      expect(new Set(ids)).toEqual(new Set([org.admin.id, org.manager.id, org.agent.id]));
      const one = await req('GET', `/api/v1/users/${org.agent.id}`, who.headers);
      expect(one.json()).toMatchObject({ id: org.agent.id, role: 'agent', deactivatedAt: null });
    }
  });

  it('lists members exactly as it reads them one by one, and nothing more', async () => {
    // The list formats timestamps in SQL, the single read in JavaScript: both must agree.
    const list = await req('GET', '/api/v1/users', org.admin.headers);
    const page = list.json() as { data: Array<Record<string, unknown>>; nextCursor: string | null };
    expect(Object.keys(page).sort()).toEqual(['data', 'nextCursor']);
    for (const item of page.data) {
      expect(Object.keys(item).sort()).toEqual([
        'availability',
        'capacity',
        'deactivatedAt',
        'email',
        'id',
        'joinedAt',
        'lastActiveAt',
        'name',
        'role',
      ]);
      const one = await req('GET', `/api/v1/users/${String(item.id)}`, org.admin.headers);
      expect(item).toEqual(one.json());
      expect(new Date(String(item.joinedAt)).toISOString()).toBe(item.joinedAt);
    }
  });

  it('pages with keyset cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await req('GET', url, org.agent.headers);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { data: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...body.data.map((m) => m.id));
      cursor = body.nextCursor;
    } while (cursor);
    const all = (await req('GET', '/api/v1/users', org.agent.headers))
      .json()
      .data.map((m: { id: string }) => m.id);
    expect(seen).toEqual(all);
    expect(all).toHaveLength(3);
    const bad = await req('GET', '/api/v1/users?cursor=garbage', org.agent.headers);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_input');
  });

  it('answers 404 for unknown ids and 400 for non-uuid ids', async () => {
    expect(
      (await req('GET', `/api/v1/users/00000000-0000-4000-8000-000000000000`, org.admin.headers)).statusCode,
    ).toBe(404);
    const bad = await req('GET', '/api/v1/users/not-a-uuid', org.admin.headers);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].path).toBe('params.id');
  });
});

describe('admin-only writes', () => {
  it('refuses managers and agents with 403 and writes nothing', async () => {
    for (const who of [org.manager, org.agent]) {
      const email = uniqueEmail('blocked');
      const calls = [
        req('POST', '/api/v1/users', who.headers, { email, name: 'X', role: 'admin', mode: 'password' }),
        req('PATCH', `/api/v1/users/${org.agent.id}`, who.headers, { role: 'admin' }),
        req('DELETE', `/api/v1/users/${org.admin.id}`, who.headers),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
    }
    const rows = await t.database.db
      .select()
      .from(memberships)
      .where(eq(memberships.organizationId, org.organizationId));
    expect(rows.map((r) => [r.userId, r.role]).sort()).toEqual(
      [
        [org.admin.id, 'admin'],
        [org.manager.id, 'manager'],
        [org.agent.id, 'agent'],
      ].sort(),
    );
  });

  it('creates a member with a temporary password that signs in', async () => {
    const email = uniqueEmail('temp');
    const res = await req('POST', '/api/v1/users', org.admin.headers, {
      email,
      name: 'Tempo',
      role: 'agent',
      mode: 'password',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      mode: 'password',
      user: { email, name: 'Tempo', role: 'agent', deactivatedAt: null },
    });
    expect(body.temporaryPassword.length).toBeGreaterThanOrEqual(10);
    await login(t.app, email, body.temporaryPassword);
    const dup = await req('POST', '/api/v1/users', org.admin.headers, {
      email,
      name: 'Again',
      role: 'agent',
    });
    expect(dup.statusCode).toBe(409);
  });

  it('refuses a temporary password for an existing account of another organization', async () => {
    const outsider = await signup(t.app, 'Outsider Org');
    const res = await req('POST', '/api/v1/users', org.admin.headers, {
      email: outsider.email,
      name: 'X',
      role: 'agent',
      mode: 'password',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('email_taken');
  });

  it('changes roles, and the new role applies to existing tokens at once', async () => {
    const member = await addMember(t.app, org.admin, 'agent');
    const before = await req('POST', '/api/v1/teams', member.headers, { name: 'Agents cannot' });
    expect(before.statusCode).toBe(403);
    const res = await req('PATCH', `/api/v1/users/${member.id}`, org.admin.headers, { role: 'admin' });
    expect(res.statusCode).toBe(200);
    expect(res.json().role).toBe('admin');
    const after = await req('POST', '/api/v1/teams', member.headers, { name: `Now allowed ${member.id}` });
    expect(after.statusCode).toBe(201);
  });

  it('deactivation revokes the member’s sessions immediately', async () => {
    const member = await addMember(t.app, org.admin, 'agent');
    const second = await login(t.app, member.email, member.password);
    expect((await req('GET', '/api/v1/me', member.headers)).statusCode).toBe(200);
    const res = await req('PATCH', `/api/v1/users/${member.id}`, org.admin.headers, { deactivated: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().deactivatedAt).not.toBeNull();
    for (const s of [member, second]) {
      const me = await req('GET', '/api/v1/me', s.headers);
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('session_revoked');
      const refreshed = await req('POST', '/api/v1/auth/refresh', {}, { refreshToken: s.refreshToken });
      expect(refreshed.statusCode).toBe(401);
    }
    const live = await t.database.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, member.id), isNull(sessions.revokedAt)));
    expect(live).toEqual([]);
    const loginRes = await req(
      'POST',
      '/api/v1/auth/login',
      {},
      { email: member.email, password: member.password },
    );
    expect(loginRes.statusCode).toBe(403);
    // Reactivation lets them sign in again.
    await req('PATCH', `/api/v1/users/${member.id}`, org.admin.headers, { deactivated: false });
    await login(t.app, member.email, member.password);
  });

  it('never deactivates, demotes or removes the last active admin', async () => {
    const solo = await signup(t.app, 'Solo Org');
    for (const [method, payload] of [
      ['PATCH', { role: 'agent' }],
      ['PATCH', { deactivated: true }],
      ['DELETE', undefined],
    ] as const) {
      const res = await req(method, `/api/v1/users/${solo.id}`, solo.headers, payload);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('conflict');
    }
    const second = await addMember(t.app, solo, 'admin');
    const demote = await req('PATCH', `/api/v1/users/${solo.id}`, second.headers, { role: 'agent' });
    expect(demote.statusCode).toBe(200);
  });

  it('DELETE removes the membership and ends its sessions', async () => {
    const member = await addMember(t.app, org.admin, 'manager');
    const team = await req('POST', '/api/v1/teams', org.admin.headers, {
      name: `With ${member.id}`,
      memberIds: [member.id],
    });
    expect(team.statusCode).toBe(201);
    const res = await req('DELETE', `/api/v1/users/${member.id}`, org.admin.headers);
    expect(res.statusCode).toBe(204);
    expect((await req('GET', `/api/v1/users/${member.id}`, org.admin.headers)).statusCode).toBe(404);
    expect((await req('GET', '/api/v1/me', member.headers)).statusCode).toBe(401);
    const teamAfter = await req('GET', `/api/v1/teams/${team.json().id}`, org.admin.headers);
    expect(teamAfter.json().memberIds).toEqual([]);
    expect((await req('DELETE', `/api/v1/users/${member.id}`, org.admin.headers)).statusCode).toBe(404);
  });

  it('rejects an empty PATCH and unknown fields', async () => {
    for (const payload of [
      {},
      { role: 'owner' },
      { deactivated: 'yes' },
      { organizationId: org.organizationId },
    ]) {
      const res = await req('PATCH', `/api/v1/users/${org.agent.id}`, org.admin.headers, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
    }
  });
});
