import { and, asc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { Db } from './db';
import { teamMembers, teams } from './schema/index';

/** A team with its member ids. */
export type TeamRow = { id: string; name: string; createdAt: Date; memberIds: string[] };

/** Keyset position in the team list (ordered by name, then id). */
export type TeamCursor = { name: string; id: string };

/** Teams and team membership. */
export type TeamRepo = ReturnType<typeof createTeamRepo>;

/** Data access for teams. Every method takes organizationId first. */
export function createTeamRepo(db: Db) {
  const withMembers = async (organizationId: string, rows: Array<Omit<TeamRow, 'memberIds'>>) => {
    if (rows.length === 0) return [];
    const links = await db
      .select({ teamId: teamMembers.teamId, userId: teamMembers.userId })
      .from(teamMembers)
      .where(
        and(
          eq(teamMembers.organizationId, organizationId),
          inArray(
            teamMembers.teamId,
            rows.map((r) => r.id),
          ),
        ),
      )
      .orderBy(asc(teamMembers.createdAt), asc(teamMembers.userId));
    return rows.map((r) => ({
      ...r,
      memberIds: links.filter((l) => l.teamId === r.id).map((l) => l.userId),
    }));
  };
  const cols = { id: teams.id, name: teams.name, createdAt: teams.createdAt };
  return {
    /** One team, or undefined (also for other organizations' teams). */
    byId: async (organizationId: string, teamId: string): Promise<TeamRow | undefined> => {
      const rows = await db
        .select(cols)
        .from(teams)
        .where(and(eq(teams.organizationId, organizationId), eq(teams.id, teamId)));
      return (await withMembers(organizationId, rows))[0];
    },
    /** A keyset page ordered by name. */
    list: async (
      organizationId: string,
      after: TeamCursor | undefined,
      limit: number,
    ): Promise<TeamRow[]> => {
      const rows = await db
        .select(cols)
        .from(teams)
        .where(
          and(
            eq(teams.organizationId, organizationId),
            after
              ? or(gt(teams.name, after.name), and(eq(teams.name, after.name), gt(teams.id, after.id)))
              : undefined,
          ),
        )
        .orderBy(asc(teams.name), asc(teams.id))
        .limit(limit);
      return withMembers(organizationId, rows);
    },
    /** True when another team of the organization already has this name (case-insensitive). */
    nameTaken: async (organizationId: string, name: string, exceptId?: string) => {
      const rows = await db
        .select({ id: teams.id })
        .from(teams)
        .where(
          and(eq(teams.organizationId, organizationId), eq(sql`lower(${teams.name})`, name.toLowerCase())),
        );
      return rows.some((r) => r.id !== exceptId);
    },
    /** Creates a team. */
    insert: async (organizationId: string, name: string, now: Date) => {
      const [row] = await db
        .insert(teams)
        .values({ organizationId, name, createdAt: now })
        .returning({ id: teams.id });
      if (!row) throw new Error('insert returned no row');
      return row.id;
    },
    /** Renames; false when no such team in this organization. */
    rename: async (organizationId: string, teamId: string, name: string) => {
      const rows = await db
        .update(teams)
        .set({ name })
        .where(and(eq(teams.organizationId, organizationId), eq(teams.id, teamId)))
        .returning({ id: teams.id });
      return rows.length > 0;
    },
    /** Deletes (members go with it); false when no such team. */
    delete: async (organizationId: string, teamId: string) => {
      const rows = await db
        .delete(teams)
        .where(and(eq(teams.organizationId, organizationId), eq(teams.id, teamId)))
        .returning({ id: teams.id });
      return rows.length > 0;
    },
    /** Adds members (idempotent). */
    addMembers: async (organizationId: string, teamId: string, userIds: string[], now: Date) => {
      if (userIds.length === 0) return;
      await db
        .insert(teamMembers)
        .values(userIds.map((userId) => ({ organizationId, teamId, userId, createdAt: now })))
        .onConflictDoNothing();
    },
    /** Removes a member; idempotent. */
    removeMember: async (organizationId: string, teamId: string, userId: string) => {
      await db
        .delete(teamMembers)
        .where(
          and(
            eq(teamMembers.organizationId, organizationId),
            eq(teamMembers.teamId, teamId),
            eq(teamMembers.userId, userId),
          ),
        );
    },
  };
}
