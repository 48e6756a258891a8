import { and, eq, ne } from 'drizzle-orm';
import type { MessageUsage, Organization, UpdateOrganizationBody } from '#contract/api/organization';
import { atLeast } from '#contract/domain/roles';
import type { Principal } from '../auth/auth-service';
import { actorOf, type Actor, type AuditRecorder } from '../audit/audit-log';
import type { Clock } from '../../lib/clock';
import { fail, ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import { recordChanges, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { organizations, whatsappAccounts } from '../../storage/schema/index';
import { readQuotaUsage, type MonthlyQuota } from '../messages/message-quota';
import { readMessageSettings, writeMessageSettings } from './message-settings';
import { readSeeAll } from '../visibility/queries';
import { readHoursSettings, writeHoursSettings } from './business-hours';
import { setTeamVisibilityPolicy, SETTINGS_ENTITY } from '../visibility/scope-changes';

/** The caller's organization and its settings: admins read and change them. */
export type OrganizationService = ReturnType<typeof createOrganizationService>;

const adminOnly = () => fail('forbidden', 'Only admins can manage the organization');

/** Creates the organization service. Every method takes the organization and the acting principal. */
export function createOrganizationService(deps: {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  /** The monthly quota's configured default, for the usage line. */
  quota: MonthlyQuota;
}) {
  const { db, clock, audit } = deps;

  const read = async (exec: Db | Tx, organizationId: string): Promise<Organization | undefined> => {
    const [row] = await exec.select().from(organizations).where(eq(organizations.id, organizationId));
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      agentsSeeAllTeamConversations: await readSeeAll(exec, organizationId),
      ...(await readHoursSettings(exec, organizationId)),
      ...(await readMessageSettings(exec, organizationId)),
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
      [
        'name',
        'agentsSeeAllTeamConversations',
        'timeZone',
        'businessHours',
        'awayMessage',
        'defaultWhatsappAccountId',
        'monthlyMessageQuota',
      ] as const
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
        case 'defaultWhatsappAccountId':
          return after.defaultWhatsappAccountId ? 'changed the default number' : 'cleared the default number';
        case 'monthlyMessageQuota':
          return after.monthlyMessageQuota === null
            ? 'returned the monthly message quota to the default'
            : `set the monthly message quota to ${after.monthlyMessageQuota}`;
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
      if (body.defaultWhatsappAccountId) {
        const [n] = await db
          .select({ id: whatsappAccounts.id })
          .from(whatsappAccounts)
          .where(
            and(
              eq(whatsappAccounts.organizationId, organizationId),
              eq(whatsappAccounts.id, body.defaultWhatsappAccountId),
              ne(whatsappAccounts.status, 'disconnected'),
            ),
          );
        if (!n)
          return fail(
            'invalid_input',
            'The default number must be one of the organization’s connected numbers.',
            {
              fields: [
                {
                  path: 'body.defaultWhatsappAccountId',
                  message: 'Not a connected number of this organization',
                },
              ],
            },
          );
      }
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
        // Read by reports and the away message from the database, and synced to every member's
        // replica (entity `business_hours`) for the app's "outside business hours" state offline.
        if (Object.keys(hours).length > 0) {
          await writeHoursSettings(tx, organizationId, hours, now);
          changes.push({ entity: 'business_hours', entityId: organizationId });
        }
        const sending = {
          ...(body.defaultWhatsappAccountId !== undefined && {
            defaultWhatsappAccountId: body.defaultWhatsappAccountId,
          }),
          ...(body.monthlyMessageQuota !== undefined && { monthlyMessageQuota: body.monthlyMessageQuota }),
        };
        // Read by the send path from the database; not synced.
        if (Object.keys(sending).length > 0) await writeMessageSettings(tx, organizationId, sending, now);
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

    /** Outbound messages this month against the quota (admin). */
    usage: async (organizationId: string, actor: Principal): Promise<Result<MessageUsage>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      return ok(await readQuotaUsage(db, deps.quota, organizationId, clock.now()));
    },
  };
}
