import { eq } from 'drizzle-orm';
import type { Organization, UpdateOrganizationBody } from '#contract/api/organization';
import { atLeast } from '#contract/domain/roles';
import type { Principal } from '../auth/auth-service';
import { actorOf, type Actor, type AuditRecorder } from '../audit/audit-log';
import type { Clock } from '../../lib/clock';
import { fail, ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import { recordChanges, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { organizations } from '../../storage/schema/index';
import { readSeeAll } from '../visibility/queries';
import { readHoursSettings, writeHoursSettings } from './business-hours';
import { setTeamVisibilityPolicy, SETTINGS_ENTITY } from '../visibility/scope-changes';

/** The caller's organization and its settings: admins read and change them. */
export type OrganizationService = ReturnType<typeof createOrganizationService>;

const adminOnly = () => fail('forbidden', 'Only admins can manage the organization');

/** Creates the organization service. Every method takes the organization and the acting principal. */
export function createOrganizationService(deps: { db: Db; clock: Clock; audit: AuditRecorder }) {
  const { db, clock, audit } = deps;

  const read = async (exec: Db | Tx, organizationId: string): Promise<Organization | undefined> => {
    const [row] = await exec.select().from(organizations).where(eq(organizations.id, organizationId));
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      agentsSeeAllTeamConversations: await readSeeAll(exec, organizationId),
      ...(await readHoursSettings(exec, organizationId)),
      createdAt: row.createdAt.toISOString(),
    };
  };

  /** One `organization.settings_changed` event with before/after of what really changed, if anything. */
  const recordSettings = async (
    tx: Db,
    organizationId: string,
    by: Actor,
    before: Organization,
    after: Organization,
  ) => {
    const keys = (
      ['name', 'agentsSeeAllTeamConversations', 'timeZone', 'businessHours', 'awayMessage'] as const
    ).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (keys.length === 0) return;
    const says = keys.map((k) => {
      switch (k) {
        case 'name':
          return `renamed the organization from "${before.name}" to "${after.name}"`;
        case 'agentsSeeAllTeamConversations':
          return `turned ${after.agentsSeeAllTeamConversations ? 'on' : 'off'} "agents see all team conversations"`;
        case 'timeZone':
          return `changed the time zone from ${before.timeZone} to ${after.timeZone}`;
        case 'businessHours':
          return after.businessHours ? 'changed the business hours' : 'removed the business hours';
        case 'awayMessage':
          return before.awayMessage.enabled !== after.awayMessage.enabled
            ? `turned ${after.awayMessage.enabled ? 'on' : 'off'} the away message`
            : 'changed the away message';
      }
    });
    const sentence = says.join(' and ');
    await audit.record(tx, organizationId, by, {
      action: 'organization.settings_changed',
      target: { type: 'organization', id: organizationId, label: after.name },
      summary: sentence.charAt(0).toUpperCase() + sentence.slice(1),
      details: {
        before: Object.fromEntries(keys.map((k) => [k, before[k]])),
        after: Object.fromEntries(keys.map((k) => [k, after[k]])),
      },
    });
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
      ip: string | undefined,
    ): Promise<Result<Organization>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const now = clock.now();
      const org = await db.transaction(async (tx) => {
        const before = await read(tx, organizationId);
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
        const hours = {
          ...(body.timeZone !== undefined && { timeZone: body.timeZone }),
          ...(body.businessHours !== undefined && { businessHours: body.businessHours }),
          ...(body.awayMessage !== undefined && { awayMessage: body.awayMessage }),
        };
        // Hours are read by reports and the away message from the database; not synced.
        if (Object.keys(hours).length > 0) await writeHoursSettings(tx, organizationId, hours, now);
        if (body.agentsSeeAllTeamConversations !== undefined)
          changes.push(
            ...(await setTeamVisibilityPolicy(tx, organizationId, body.agentsSeeAllTeamConversations, now)),
          );
        const current = await read(tx, organizationId);
        if (before && current) await recordSettings(tx, organizationId, actorOf(actor, ip), before, current);
        if (current && changes.length > 0) await recordChanges(tx, organizationId, changes);
        return current;
      });
      return org ? ok(org) : notFound('Organization');
    },
  };
}
