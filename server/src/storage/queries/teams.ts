import { and, asc, eq, gt, inArray, or } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { teamMembers, teams } from '../schema/index';

// Teams with their member ids: the reads the team service, the sync projection, bootstrap and the
// demo share, and the writes the team service and the demo share. See the query rule in
// server/README.md.

/** Any statement runner: the database or a transaction. */
type Exec = Db | Tx;

/** A team with its member ids. */
export type TeamRow = { id: string; name: string; createdAt: Date; memberIds: string[] };

/** Keyset position in the team list (ordered by name, then id). */
export type TeamCursor = { name: string; id: string };

/** The columns of a team row (without its members). */
const cols = { id: teams.id, name: teams.name, createdAt: teams.createdAt };

/** THE team-row select (without members): add conditions and order, then {@link withMemberIds}. */
export const selectTeamRows = (exec: Exec) => exec.select(cols).from(teams);

/**
 * Adds each team's member ids (in the order they joined) with one query: how the team list, one
 * team, the sync projection and bootstrap all read teams.
 */
export async function withMemberIds(
  exec: Exec,
  organizationId: string,
  rows: Array<Omit<TeamRow, 'memberIds'>>,
): Promise<TeamRow[]> {
  if (rows.length === 0) return [];
  const links = await exec
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
}

/** A keyset page of teams ordered by name, with their members. */
export async function teamPage(
  exec: Exec,
  organizationId: string,
  after: TeamCursor | undefined,
  limit: number,
): Promise<TeamRow[]> {
  const rows = await selectTeamRows(exec)
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
  return withMemberIds(exec, organizationId, rows);
}

/** Creates a team; returns its id. */
export async function insertTeam(
  exec: Exec,
  organizationId: string,
  name: string,
  now: Date,
): Promise<string> {
  const [row] = await exec
    .insert(teams)
    .values({ organizationId, name, createdAt: now })
    .returning({ id: teams.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

/** Adds members to a team (idempotent). */
export async function addTeamMembers(
  exec: Exec,
  organizationId: string,
  teamId: string,
  userIds: readonly string[],
  now: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  await exec
    .insert(teamMembers)
    .values(userIds.map((userId) => ({ organizationId, teamId, userId, createdAt: now })))
    .onConflictDoNothing();
}
