import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { writeGenerationOf } from '../../storage/db';
import { SESSION_CHECK_TTL_MS } from './auth-service';

// The session check cached on PostgreSQL (issue 15; `createNotifiedCache`): changes made through
// Parley apply to the very next request in the process that made them, and in every other
// process as soon as the sessions NOTIFY arrives; a write that sends none (raw SQL) applies
// within SESSION_CHECK_TTL_MS. Runs with `npm run test:pg` (PGlite has the exact cache instead).

let a: TestApp;
let b: TestApp;
let org: TestOrg;
let pglite = false;
beforeAll(async () => {
  a = await buildTestApp();
  pglite = writeGenerationOf(a.database.db) !== undefined;
  // A second process on the same database, whose entries only a notification can drop in time.
  b = await buildTestApp({ sessionCheckTtlMs: 60_000 });
  org = await createOrg(a.app, 'Session cache PG');
});
afterAll(async () => {
  await b.app.close();
  await a.app.close();
});

const me = (t: TestApp, headers: object) =>
  t.app.inject({ method: 'GET', url: '/api/v1/me', headers: headers as Record<string, string> });
const patchUser = (userId: string, payload: object) =>
  a.app.inject({ method: 'PATCH', url: `/api/v1/users/${userId}`, headers: org.admin.headers, payload });
/** Polls until `check` holds; returns how long it took (ms), or throws after `ms`. */
const within = async (ms: number, check: () => Promise<boolean>): Promise<number> => {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - start;
};

describe('session check cache (PostgreSQL)', () => {
  it('refuses a deactivated member on the next request here, and there once notified', async (ctx) => {
    if (pglite) return ctx.skip();
    for (let i = 0; i < 3; i++) {
      expect((await me(a, org.agent.headers)).statusCode).toBe(200);
      expect((await me(b, org.agent.headers)).statusCode).toBe(200);
    }
    expect((await patchUser(org.agent.id, { deactivated: true })).statusCode).toBe(200);
    expect((await me(a, org.agent.headers)).statusCode).toBe(401);
    // B's entry would live 60 s: only the notification can refuse it this soon.
    const took = await within(2_000, async () => (await me(b, org.agent.headers)).statusCode === 401);
    expect(took).toBeLessThan(2_000);
  });

  it('applies a role change at once here and on notification there', async (ctx) => {
    if (pglite) return ctx.skip();
    const x = await createOrg(a.app, 'Session cache roles');
    // Only admins create teams: the cached role decides.
    let n = 0;
    const createTeam = (t: TestApp) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/teams',
        headers: x.agent.headers,
        payload: { name: `T${n++}` },
      });
    expect((await createTeam(b)).statusCode).toBe(403);
    expect((await createTeam(a)).statusCode).toBe(403);
    const promoted = await a.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${x.agent.id}`,
      headers: x.admin.headers,
      payload: { role: 'admin' },
    });
    expect(promoted.statusCode).toBe(200);
    expect((await createTeam(a)).statusCode).toBe(201);
    // B cached the agent role for 60 s: the notification must drop it.
    await within(2_000, async () => (await createTeam(b)).statusCode === 201);
  });

  it('applies a raw write that sends no notification within the stated bound', async (ctx) => {
    if (pglite) return ctx.skip();
    const x = await createOrg(a.app, 'Session cache raw');
    expect((await me(a, x.agent.headers)).statusCode).toBe(200);
    await a.database.db.execute(
      sql`update sessions set revoked_at = now(), revoked_reason = 'test' where user_id = ${x.agent.id}`,
    );
    const took = await within(
      SESSION_CHECK_TTL_MS + 500,
      async () => (await me(a, x.agent.headers)).statusCode === 401,
    );
    expect(took).toBeLessThanOrEqual(SESSION_CHECK_TTL_MS + 500);
  });
});
