import { eq } from 'drizzle-orm';
import type { Organization, UpdateOrganizationBody } from '#contract/api/organization';
import { atLeast } from '#contract/domain/roles';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { fail, ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import { recordChanges, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { organizations } from '../../storage/schema/index';
import { readSeeAll, setTeamVisibilityPolicy, SETTINGS_ENTITY } from '../sync/scope';

/** The caller's organization and its settings: admins read and change them. */
export type OrganizationService = ReturnType<typeof createOrganizationService>;

const adminOnly = () => fail('forbidden', 'Only admins can manage the organization');

/** Creates the organization service. Every method takes the organization and the acting principal. */
export function createOrganizationService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  const read = async (exec: Db | Tx, organizationId: string): Promise<Organization | undefined> => {
    const [row] = await exec.select().from(organizations).where(eq(organizations.id, organizationId));
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      agentsSeeAllTeamConversations: await readSeeAll(exec, organizationId),
      createdAt: row.createdAt.toISOString(),
    };
  };

  return {
    /** The organization with its settings (admin). */
    get: async (organizationId: string, actor: Principal): Promise<Result<Organization>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const org = await read(db, organizationId);
      return org ? ok(org) : notFound('Organization');
    },

    /**
     * Renames and/or changes the team visibility policy (admin), in one transaction. Turning the
     * policy on or off moves every team member between the `team:` and `team_all:` groups in the
     * log (`setTeamVisibilityPolicy`), so agents' replicas gain or drop those conversations.
     */
    update: async (
      organizationId: string,
      actor: Principal,
      body: UpdateOrganizationBody,
    ): Promise<Result<Organization>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const now = clock.now();
      const org = await db.transaction(async (tx) => {
        const changes: Change[] = [];
        if (body.name !== undefined) {
          const renamed = await tx
            .update(organizations)
            .set({ name: body.name })
            .where(eq(organizations.id, organizationId))
            .returning({ id: organizations.id });
          if (renamed.length === 0) return undefined;
          changes.push({ entity: SETTINGS_ENTITY, entityId: organizationId });
        }
        if (body.agentsSeeAllTeamConversations !== undefined)
          changes.push(
            ...(await setTeamVisibilityPolicy(tx, organizationId, body.agentsSeeAllTeamConversations, now)),
          );
        const current = await read(tx, organizationId);
        if (current && changes.length > 0) await recordChanges(tx, organizationId, changes);
        return current;
      });
      return org ? ok(org) : notFound('Organization');
    },
  };
}
