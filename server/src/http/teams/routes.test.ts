import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { createOrg, createTeam, type TestOrg } from '../../../test/factories';
import { teams } from '../../storage/schema/index';

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await buildTestApp();
  org = await createOrg(t.app, 'Teams Org');
});
afterAll(() => t.app.close());

const req = (
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  headers: object,
  payload?: object,
) => t.app.inject({ method, url, headers: headers as Record<string, string>, ...(payload && { payload }) });

describe('teams', () => {
  it('admins create, rename and delete teams; names are unique per organization', async () => {
    const team = await createTeam(t.app, org.admin, 'Support', [org.agent.id]);
    expect(team).toMatchObject({ name: 'Support', memberIds: [org.agent.id] });
    const dup = await req('POST', '/api/v1/teams', org.admin.headers, { name: 'support' });
    expect(dup.statusCode).toBe(409);
    const renamed = await req('PATCH', `/api/v1/teams/${team.id}`, org.admin.headers, {
      name: 'Customer Care',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('Customer Care');
    const del = await req('DELETE', `/api/v1/teams/${team.id}`, org.admin.headers);
    expect(del.statusCode).toBe(204);
    expect((await req('GET', `/api/v1/teams/${team.id}`, org.admin.headers)).statusCode).toBe(404);
    expect((await req('DELETE', `/api/v1/teams/${team.id}`, org.admin.headers)).statusCode).toBe(404);
  });

  it('adds and removes members idempotently', async () => {
    const team = await createTeam(t.app, org.admin);
    for (let i = 0; i < 2; i++) {
      const res = await req('PUT', `/api/v1/teams/${team.id}/members/${org.manager.id}`, org.admin.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json().memberIds).toEqual([org.manager.id]);
    }
    for (let i = 0; i < 2; i++) {
      const res = await req(
        'DELETE',
        `/api/v1/teams/${team.id}/members/${org.manager.id}`,
        org.admin.headers,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().memberIds).toEqual([]);
    }
    const unknown = await req(
      'PUT',
      `/api/v1/teams/${team.id}/members/00000000-0000-4000-8000-000000000000`,
      org.admin.headers,
    );
    expect(unknown.statusCode).toBe(404);
  });

  it('managers and agents list and read teams but cannot change them', async () => {
    const team = await createTeam(t.app, org.admin);
    for (const who of [org.manager, org.agent]) {
      expect((await req('GET', '/api/v1/teams', who.headers)).statusCode).toBe(200);
      expect((await req('GET', `/api/v1/teams/${team.id}`, who.headers)).statusCode).toBe(200);
      const writes = [
        req('POST', '/api/v1/teams', who.headers, { name: `By ${who.role}` }),
        req('PATCH', `/api/v1/teams/${team.id}`, who.headers, { name: `By ${who.role}` }),
        req('DELETE', `/api/v1/teams/${team.id}`, who.headers),
        req('PUT', `/api/v1/teams/${team.id}/members/${who.id}`, who.headers),
        req('DELETE', `/api/v1/teams/${team.id}/members/${who.id}`, who.headers),
      ];
      for (const res of await Promise.all(writes)) {
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
    }
    const [row] = await t.database.db.select().from(teams).where(eq(teams.id, team.id));
    expect(row?.name).toBe(team.name);
  });

  it('pages by name with keyset cursors', async () => {
    const fresh = await createOrg(t.app, 'Paging Org');
    const names = ['Delta', 'alpha', 'Charlie', 'Bravo', 'Echo'];
    for (const name of names) await createTeam(t.app, fresh.admin, name);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await req(
        'GET',
        `/api/v1/teams?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        fresh.agent.headers,
      );
      const body = res.json() as { data: Array<{ name: string }>; nextCursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((x) => x.name));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(names));
    // Byte order of the database collation is stable; the point is each appears once, in order.
    const again = (await req('GET', '/api/v1/teams?limit=10', fresh.agent.headers))
      .json()
      .data.map((x: { name: string }) => x.name);
    expect(seen).toEqual(again);
  });
});
