import { and, eq } from 'drizzle-orm';
import type { Role } from '#contract/domain/roles';
import type { PasswordHasher } from '../domain/auth/password-hasher';
import type { Clock } from '../lib/clock';
import type { Db } from '../storage/db';
import { memberships } from '../storage/schema/index';
import { insertMembership, insertUser, memberRow, userByEmail } from '../storage/queries/members';
import { insertOrganization } from '../storage/queries/organizations';
import { addTeamMembers, insertTeam, teamPage } from '../storage/queries/teams';
import { seedDemoLabels } from './seed-labels';

/** Name of the demo organization. */
export const DEMO_ORGANIZATION_NAME = 'Demo Support';

/** The demo accounts with their well-known passwords (demo mode only). */
export const DEMO_USERS: ReadonlyArray<{
  key: string;
  email: string;
  name: string;
  role: Role;
  password: string;
}> = [
  {
    key: 'admin',
    email: 'admin@demo.parley.test',
    name: 'Ada Admin',
    role: 'admin',
    password: 'demo-admin-pass',
  },
  {
    key: 'manager',
    email: 'manager@demo.parley.test',
    name: 'Max Manager',
    role: 'manager',
    password: 'demo-manager-pass',
  },
  {
    key: 'agent1',
    email: 'agent1@demo.parley.test',
    name: 'Alex Agent',
    role: 'agent',
    password: 'demo-agent-pass',
  },
  {
    key: 'agent2',
    email: 'agent2@demo.parley.test',
    name: 'Sam Agent',
    role: 'agent',
    password: 'demo-agent-pass',
  },
];

/** Demo teams and which demo users (by key) are in each. */
const DEMO_TEAMS = [
  { name: 'Support', members: ['manager', 'agent1', 'agent2'] },
  { name: 'Sales', members: ['manager', 'agent2'] },
];

/** What the seed created (or found), for later seed steps to build on. */
export type DemoContext = {
  db: Db;
  clock: Clock;
  organizationId: string;
  /** User ids by key: admin, manager, agent1, agent2. */
  userIds: Record<string, string>;
  /** Team ids by name. */
  teamIds: Record<string, string>;
};

/** A later seed step (e.g. WhatsApp demo data); must be idempotent like the base seed. */
export type DemoSeedStep = (ctx: DemoContext) => Promise<void>;

/**
 * Seeds the demo organization, its four members and two teams, then runs `steps` in order.
 * Idempotent: it finds what a previous run created (by the admin's e-mail) and adds only what
 * is missing, so `DEMO=1` can be set on every boot.
 */
export async function seedDemo(
  db: Db,
  deps: { hasher: PasswordHasher; clock: Clock },
  steps: DemoSeedStep[] = [],
): Promise<DemoContext> {
  const now = deps.clock.now();
  const adminSpec = DEMO_USERS[0]!;
  const existingAdmin = await userByEmail(db, adminSpec.email);
  let organizationId: string | undefined;
  if (existingAdmin) {
    const [m] = await db
      .select({ organizationId: memberships.organizationId })
      .from(memberships)
      .where(and(eq(memberships.userId, existingAdmin.id), eq(memberships.role, 'admin')));
    organizationId = m?.organizationId;
  }
  organizationId ??= (await insertOrganization(db, DEMO_ORGANIZATION_NAME, now)).id;

  const userIds: Record<string, string> = {};
  for (const spec of DEMO_USERS) {
    const user =
      (await userByEmail(db, spec.email)) ??
      (await insertUser(db, {
        email: spec.email,
        name: spec.name,
        passwordHash: await deps.hasher.hash(spec.password),
        now,
      }));
    if (!(await memberRow(db, organizationId, user.id)))
      await insertMembership(db, organizationId, user.id, spec.role, now);
    userIds[spec.key] = user.id;
  }

  const teamIds: Record<string, string> = {};
  const existing = await teamPage(db, organizationId, undefined, 200);
  for (const spec of DEMO_TEAMS) {
    const id =
      existing.find((t) => t.name === spec.name)?.id ??
      (await insertTeam(db, organizationId, spec.name, now));
    await addTeamMembers(
      db,
      organizationId,
      id,
      spec.members.map((k) => userIds[k]!),
      now,
    );
    teamIds[spec.name] = id;
  }

  await seedDemoLabels(db, organizationId, now);

  const ctx: DemoContext = { db, clock: deps.clock, organizationId, userIds, teamIds };
  for (const step of steps) await step(ctx);
  return ctx;
}
