import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { CreateTeamBody, Team, TeamPage, UpdateTeamBody } from '#contract/api/teams';
import { atLeast } from '#contract/domain/roles';
import type { Principal } from '../auth/auth-service';
import { actorOf, type Actor, type AuditRecorder } from '../audit/audit-log';
import type { Clock } from '../../lib/clock';
import { encodeCursor, parseCursor } from '../cursor';
import { fail, ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import { recordChanges, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import { conversations, teamMembers, teams, whatsappAccounts } from '../../storage/schema/index';
import { readSeeAll } from '../visibility/queries';
import { teamGroup } from '../visibility/rule';
import { groupChange, scopeChangesForTeamMembership } from '../visibility/scope-changes';
import { memberRow } from '../../storage/queries/members';
import {
  addTeamMembers,
  insertTeam,
  selectTeamRows,
  teamPage,
  withMemberIds,
  type TeamRow,
} from '../../storage/queries/teams';

/** Dependencies of {@link createTeamService}. */
export type TeamServiceDeps = { db: Db; clock: Clock; audit: AuditRecorder };

/** Teams of an organization and their members. */
export type TeamService = ReturnType<typeof createTeamService>;

/** A team row as the contract's Team (REST, and the sync projection and bootstrap). */
export const toTeam = (row: TeamRow): Team => ({
  id: row.id,
  name: row.name,
  memberIds: row.memberIds,
  createdAt: row.createdAt.toISOString(),
});

const adminOnly = () => fail('forbidden', 'Only admins can manage teams');
const nameTaken = () => fail('conflict', 'A team with this name already exists');
/** [name, id]. */
const TeamCursor = z.tuple([z.string(), z.uuid()]);

/** The audit target of a team, labelled with its name at the time. */
const teamTarget = (id: string, name: string) => ({ type: 'team', id, label: name });

/** Creates the team service. Every method takes the organization and the acting principal. */
export function createTeamService(deps: TeamServiceDeps) {
  const { db, clock, audit } = deps;

  /** Every id must be a member of the organization; other organizations' users look nonexistent. */
  const unknownMember = async (tx: Db | Tx, organizationId: string, userIds: string[]) => {
    for (const id of userIds) if (!(await memberRow(tx, organizationId, id))) return id;
    return undefined;
  };

  /** One team with its members, or undefined (also for other organizations' teams). */
  const byId = async (
    exec: Db | Tx,
    organizationId: string,
    teamId: string,
  ): Promise<TeamRow | undefined> => {
    const rows = await selectTeamRows(exec).where(
      and(eq(teams.organizationId, organizationId), eq(teams.id, teamId)),
    );
    return (await withMemberIds(exec, organizationId, rows))[0];
  };

  /** True when another team of the organization already has this name (case-insensitive). */
  const nameIsTaken = async (exec: Db | Tx, organizationId: string, name: string, exceptId?: string) => {
    const rows = await exec
      .select({ id: teams.id })
      .from(teams)
      .where(
        and(eq(teams.organizationId, organizationId), eq(sql`lower(${teams.name})`, name.toLowerCase())),
      );
    return rows.some((r) => r.id !== exceptId);
  };

  /** Records a member joining or leaving a team (target: the team; the member in details). */
  const recordMembership = async (
    tx: Db | Tx,
    organizationId: string,
    by: Actor,
    team: TeamRow,
    userId: string,
    change: 'added' | 'removed',
  ) => {
    const member = await memberRow(tx, organizationId, userId);
    const name = member?.name ?? 'a member';
    await audit.record(tx, organizationId, by, {
      action: change === 'added' ? 'team.member_added' : 'team.member_removed',
      target: teamTarget(team.id, team.name),
      summary:
        change === 'added'
          ? `Added "${name}" to team "${team.name}"`
          : `Removed "${name}" from team "${team.name}"`,
      details: { member: { id: userId, name: member?.name ?? null } },
    });
  };

  return {
    /** A page of teams by name; every role may list. */
    list: async (
      organizationId: string,
      _actor: Principal,
      q: { cursor?: string; limit: number },
    ): Promise<Result<TeamPage>> => {
      const cursor = parseCursor(q.cursor, TeamCursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value && { name: cursor.value[0], id: cursor.value[1] };
      const rows = await teamPage(db, organizationId, after, q.limit + 1);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map(toTeam),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.id]) : null,
      });
    },

    /** One team; 404 for other organizations' ids. */
    get: async (organizationId: string, _actor: Principal, teamId: string): Promise<Result<Team>> => {
      const row = await byId(db, organizationId, teamId);
      return row ? ok(toTeam(row)) : notFound('Team');
    },

    /** Creates a team with optional initial members (admin). */
    create: async (
      organizationId: string,
      actor: Principal,
      body: CreateTeamBody,
      ip: string | undefined,
    ): Promise<Result<Team>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const now = clock.now();
      try {
        const outcome = await db.transaction(async (tx): Promise<Result<string>> => {
          const memberIds = [...new Set(body.memberIds)];
          const unknown = await unknownMember(tx, organizationId, memberIds);
          if (unknown) return notFound(`User ${unknown}`);
          if (await nameIsTaken(tx, organizationId, body.name)) return nameTaken();
          const id = await insertTeam(tx, organizationId, body.name, now);
          await addTeamMembers(tx, organizationId, id, memberIds, now);
          await audit.record(tx, organizationId, actorOf(actor, ip), {
            action: 'team.created',
            target: teamTarget(id, body.name),
            summary: `Created team "${body.name}" with ${memberIds.length} member${memberIds.length === 1 ? '' : 's'}`,
            details: { after: { name: body.name, memberIds } },
          });
          // Synced: the team, and a group_join for each first member.
          const seeAll = await readSeeAll(tx, organizationId);
          await recordChanges(tx, organizationId, [
            { entity: 'team', entityId: id },
            ...memberIds.map((u) => groupChange(u, teamGroup(id, seeAll), 'group_join')),
          ]);
          return ok(id);
        });
        if (!outcome.ok) return outcome;
        const row = await byId(db, organizationId, outcome.value);
        return row ? ok(toTeam(row)) : notFound('Team');
      } catch (e) {
        if (isUniqueViolation(e)) return nameTaken();
        throw e;
      }
    },

    /** Renames a team (admin). */
    update: async (
      organizationId: string,
      actor: Principal,
      teamId: string,
      body: UpdateTeamBody,
      ip: string | undefined,
    ): Promise<Result<Team>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const before = await byId(db, organizationId, teamId);
      if (!before) return notFound('Team');
      if (await nameIsTaken(db, organizationId, body.name, teamId)) return nameTaken();
      try {
        const renamed = await db.transaction(async (tx) => {
          const rows = await tx
            .update(teams)
            .set({ name: body.name })
            .where(and(eq(teams.organizationId, organizationId), eq(teams.id, teamId)))
            .returning({ id: teams.id });
          if (rows.length === 0) return false;
          if (body.name !== before.name)
            await audit.record(tx, organizationId, actorOf(actor, ip), {
              action: 'team.renamed',
              target: teamTarget(teamId, body.name),
              summary: `Renamed team "${before.name}" to "${body.name}"`,
              details: { before: { name: before.name }, after: { name: body.name } },
            });
          await recordChanges(tx, organizationId, [{ entity: 'team', entityId: teamId }]);
          return true;
        });
        if (!renamed) return notFound('Team');
      } catch (e) {
        if (isUniqueViolation(e)) return nameTaken();
        throw e;
      }
      const row = await byId(db, organizationId, teamId);
      return row ? ok(toTeam(row)) : notFound('Team');
    },

    /** Deletes a team (admin). */
    remove: async (
      organizationId: string,
      actor: Principal,
      teamId: string,
      ip: string | undefined,
    ): Promise<Result<null>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      return db.transaction(async (tx): Promise<Result<null>> => {
        const team = await byId(tx, organizationId, teamId);
        if (!team) return notFound('Team');
        // Its conversations lose their team (ON DELETE SET NULL): they are logged too, and its
        // members leave the group (agents drop the team's queue).
        const routed = await tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(and(eq(conversations.organizationId, organizationId), eq(conversations.teamId, teamId)));
        // Numbers whose default team it was lose it the same way: logged so replicas follow.
        const numbers = await tx
          .select({ id: whatsappAccounts.id })
          .from(whatsappAccounts)
          .where(
            and(
              eq(whatsappAccounts.organizationId, organizationId),
              eq(whatsappAccounts.defaultTeamId, teamId),
            ),
          );
        const deleted = await tx
          .delete(teams)
          .where(and(eq(teams.organizationId, organizationId), eq(teams.id, teamId)))
          .returning({ id: teams.id });
        if (deleted.length === 0) return notFound('Team');
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'team.deleted',
          target: teamTarget(teamId, team.name),
          summary: `Deleted team "${team.name}"`,
          details: {
            before: { name: team.name, memberIds: team.memberIds },
            conversationsUnrouted: routed.length,
          },
        });
        const seeAll = await readSeeAll(tx, organizationId);
        const changes: Change[] = [
          ...routed.map((c) => ({ entity: 'conversation', entityId: c.id, conversationId: c.id })),
          ...numbers.map((n) => ({ entity: 'whatsapp_account', entityId: n.id })),
          ...team.memberIds.map((u) => groupChange(u, teamGroup(teamId, seeAll), 'group_leave')),
          { entity: 'team', entityId: teamId, op: 'del' },
        ];
        await recordChanges(tx, organizationId, changes);
        return ok(null);
      });
    },

    /** Adds a member to a team (admin); idempotent. */
    addMember: async (
      organizationId: string,
      actor: Principal,
      teamId: string,
      userId: string,
      ip: string | undefined,
    ): Promise<Result<Team>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      if (!(await byId(db, organizationId, teamId))) return notFound('Team');
      if (await unknownMember(db, organizationId, [userId])) return notFound('User');
      await db.transaction(async (tx) => {
        const before = await byId(tx, organizationId, teamId);
        if (!before || before.memberIds.includes(userId)) return;
        await addTeamMembers(tx, organizationId, teamId, [userId], clock.now());
        await recordMembership(tx, organizationId, actorOf(actor, ip), before, userId, 'added');
        await recordChanges(
          tx,
          organizationId,
          await scopeChangesForTeamMembership(tx, organizationId, teamId, userId, 'group_join'),
        );
      });
      const row = await byId(db, organizationId, teamId);
      return row ? ok(toTeam(row)) : notFound('Team');
    },

    /** Removes a member from a team (admin); idempotent for members of the organization. */
    removeMember: async (
      organizationId: string,
      actor: Principal,
      teamId: string,
      userId: string,
      ip: string | undefined,
    ): Promise<Result<Team>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      if (!(await byId(db, organizationId, teamId))) return notFound('Team');
      if (await unknownMember(db, organizationId, [userId])) return notFound('User');
      await db.transaction(async (tx) => {
        const before = await byId(tx, organizationId, teamId);
        if (!before?.memberIds.includes(userId)) return;
        await tx
          .delete(teamMembers)
          .where(
            and(
              eq(teamMembers.organizationId, organizationId),
              eq(teamMembers.teamId, teamId),
              eq(teamMembers.userId, userId),
            ),
          );
        await recordMembership(tx, organizationId, actorOf(actor, ip), before, userId, 'removed');
        await recordChanges(
          tx,
          organizationId,
          await scopeChangesForTeamMembership(tx, organizationId, teamId, userId, 'group_leave'),
        );
      });
      const row = await byId(db, organizationId, teamId);
      return row ? ok(toTeam(row)) : notFound('Team');
    },
  };
}
