import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/build-test-app';
import { login } from '../../test/factories';
import { createPasswordHasher } from '../domain/auth/password-hasher';
import { systemClock } from '../lib/clock';
import { teamPage } from '../storage/queries/teams';
import { memberPage } from '../storage/queries/members';
import { cannedResponses, labels } from '../storage/schema/index';
import { DEMO_USERS, seedDemo, type DemoContext } from './seed';

describe('demo seed', () => {
  it('is idempotent, runs extension steps, and its credentials sign in', async () => {
    const t = await buildTestApp();
    const deps = { hasher: createPasswordHasher(), clock: systemClock };
    const seen: DemoContext[] = [];
    const first = await seedDemo(t.database.db, deps, [async (ctx) => void seen.push(ctx)]);
    const second = await seedDemo(t.database.db, deps);
    expect(second.organizationId).toBe(first.organizationId);
    expect(second.userIds).toEqual(first.userIds);
    expect(second.teamIds).toEqual(first.teamIds);
    expect(seen).toHaveLength(1);
    expect(await memberPage(t.database.db, first.organizationId, undefined, 10)).toHaveLength(4);
    const teams = await teamPage(t.database.db, first.organizationId, undefined, 10);
    expect(teams.map((x) => x.name)).toEqual(['Sales', 'Support']);
    expect(teams.find((x) => x.name === 'Support')?.memberIds).toHaveLength(3);
    // Labels and canned responses, once each after two runs.
    // The demo organization's only: on PostgreSQL the test files share one database.
    const labelNames = (
      await t.database.db.select().from(labels).where(eq(labels.organizationId, first.organizationId))
    ).map((l) => l.name);
    expect(labelNames.sort()).toEqual(['Refund', 'VIP', 'Wholesale']);
    const shortcuts = (
      await t.database.db
        .select()
        .from(cannedResponses)
        .where(eq(cannedResponses.organizationId, first.organizationId))
    ).map((c) => c.shortcut);
    expect(shortcuts.sort()).toEqual(['greet', 'hours', 'thanks']);
    for (const u of DEMO_USERS) {
      const s = await login(t.app, u.email, u.password);
      expect(s.role).toBe(u.role);
      expect(s.organizationId).toBe(first.organizationId);
    }
    await t.app.close();
  });
});
