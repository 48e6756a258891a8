import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { createOrg, type LoggedIn, type TestOrg } from '../../../test/factories';
import { cannedResponses } from '../../storage/schema/index';
import { visibleCannedResponseSql } from './queries';
import { canSeeCannedResponse } from './rule';

// The canned-response rule in memory (`canSeeCannedResponse`, used by pull and the tailer) and
// in SQL (`visibleCannedResponseSql`, used by REST lists and bootstrap) must agree, for every
// role: the organization's responses for everyone, a personal one for its owner only.

let t: TestApp;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  t = await buildTestApp();
  [org, other] = await Promise.all([createOrg(t.app, 'Canned rule'), createOrg(t.app, 'Canned other')]);
  const add = (who: LoggedIn, scope: 'organization' | 'personal', shortcut: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/canned-responses',
      headers: who.headers,
      payload: { scope, shortcut, title: shortcut, body: shortcut },
    });
  for (const [who, scope, shortcut] of [
    [org.admin, 'organization', 'shared'],
    [org.admin, 'personal', 'admins'],
    [org.manager, 'personal', 'managers'],
    [org.agent, 'personal', 'agents'],
    [other.admin, 'organization', 'foreign'],
    [other.agent, 'personal', 'foreign-own'],
  ] as const)
    expect((await add(who, scope, shortcut)).statusCode).toBe(201);
});
afterAll(() => t.app.close());

describe('canned-response visibility', () => {
  it('agrees in memory and in SQL for every role, and never crosses organizations', async () => {
    const all = await t.database.db.select().from(cannedResponses);
    for (const [who, expected] of [
      [org.admin, ['admins', 'shared']],
      [org.manager, ['managers', 'shared']],
      [org.agent, ['agents', 'shared']],
    ] as const) {
      const sql = await t.database.db
        .select({ shortcut: cannedResponses.shortcut })
        .from(cannedResponses)
        .where(visibleCannedResponseSql(org.organizationId, who.id));
      const rule = all
        .filter((r) => r.organizationId === org.organizationId)
        .filter((r) => canSeeCannedResponse(r, { userId: who.id, active: true }));
      expect(sql.map((r) => r.shortcut).sort()).toEqual([...expected]);
      expect(rule.map((r) => r.shortcut).sort()).toEqual([...expected]);
      // A deactivated member sees nothing (the rule; REST and sync refuse them before).
      expect(all.filter((r) => canSeeCannedResponse(r, { userId: who.id, active: false }))).toEqual([]);
    }
  });
});
