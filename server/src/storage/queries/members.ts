import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { Role } from '#contract/domain/roles';
import type { Db, Tx } from '../db';
import { memberships, organizations, users } from '../schema/index';

// Users (global identities) and their memberships: the statements several modules run (sign-up,
// invitations, the member admin and the demo create users and memberships; the member and team
// services, the sync projection and bootstrap read member rows), the member list prepared for its
// hot path, and the statements on the global `users` table, which take no organization. See the
// query rule in server/README.md.

/** Any statement runner: the database or a transaction. */
type Exec = Db | Tx;

/** A member as read from the database. */
export type MemberRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  deactivatedAt: Date | null;
  joinedAt: Date;
  availability: 'available' | 'away';
  online: boolean;
  capacity: number | null;
  /** The presence heartbeat's last time (REST only; see `Member.lastActiveAt`). */
  lastSeenAt: Date | null;
};

/** Keyset position in the member list. */
export type MemberCursor = { joinedAt: Date; id: string };

const memberColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  deactivatedAt: memberships.deactivatedAt,
  joinedAt: memberships.createdAt,
  availability: memberships.availability,
  online: memberships.online,
  capacity: memberships.capacity,
  lastSeenAt: memberships.lastSeenAt,
};

/**
 * THE member-row select: memberships joined to their users, as {@link MemberRow}s. Add the
 * organization (and any other) condition, order and limit. The member list, one member, the
 * sync projection and bootstrap all read members through it, so they never disagree on a field.
 */
export const selectMemberRows = (exec: Exec) =>
  exec.select(memberColumns).from(memberships).innerJoin(users, eq(users.id, memberships.userId));

/** One member of the organization, or undefined (also for users of other organizations). */
export async function memberRow(
  exec: Exec,
  organizationId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  const [row] = await selectMemberRows(exec).where(
    and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)),
  );
  return row;
}

/**
 * The member-list statement with placeholders (`organizationId`, `limit`, and with `after` also
 * `afterJoinedAt`, `afterId`). Named, so PostgreSQL parses and plans it once per connection.
 */
const prepareMembers = (db: Db, after: boolean) =>
  selectMemberRows(db)
    .where(
      and(
        eq(memberships.organizationId, sql.placeholder('organizationId')),
        after
          ? or(
              gt(memberships.createdAt, sql.placeholder('afterJoinedAt')),
              and(
                eq(memberships.createdAt, sql.placeholder('afterJoinedAt')),
                gt(memberships.userId, sql.placeholder('afterId')),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(asc(memberships.createdAt), asc(memberships.userId))
    .limit(sql.placeholder('limit'))
    .prepare(after ? 'parley_members_after' : 'parley_members_first');

/** The two prepared shapes of the member list, built once per database on first use. */
const preparedMembers = new WeakMap<
  Db,
  { first?: ReturnType<typeof prepareMembers>; after?: ReturnType<typeof prepareMembers> }
>();

/**
 * A keyset page of members ordered by join time. Both shapes (first page, after a cursor) are
 * prepared statements: this is the hot read of `GET /api/v1/users`, and building the query per
 * request took about a sixth of the server's CPU under load on PostgreSQL.
 */
export function memberPage(
  db: Db,
  organizationId: string,
  after: MemberCursor | undefined,
  limit: number,
): Promise<MemberRow[]> {
  let p = preparedMembers.get(db);
  if (!p) preparedMembers.set(db, (p = {}));
  return after
    ? (p.after ??= prepareMembers(db, true)).execute({
        organizationId,
        limit,
        afterJoinedAt: after.joinedAt,
        afterId: after.id,
      })
    : (p.first ??= prepareMembers(db, false)).execute({ organizationId, limit });
}

/** Adds a membership. */
export async function insertMembership(
  exec: Exec,
  organizationId: string,
  userId: string,
  role: Role,
  now: Date,
): Promise<void> {
  await exec.insert(memberships).values({ organizationId, userId, role, createdAt: now });
}

/** A user by e-mail, case-insensitively (global: sign-in, sign-up, invitations). */
export async function userByEmail(exec: Exec, email: string) {
  const [row] = await exec
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  return row;
}

/** A user by id (global). */
export async function userById(exec: Exec, userId: string) {
  const [row] = await exec.select().from(users).where(eq(users.id, userId));
  return row;
}

/** Creates a user; the e-mail is stored lower-cased. */
export async function insertUser(
  exec: Exec,
  v: { email: string; name: string; passwordHash: string; now: Date },
) {
  const [row] = await exec
    .insert(users)
    .values({
      email: v.email.toLowerCase(),
      name: v.name,
      passwordHash: v.passwordHash,
      createdAt: v.now,
      updatedAt: v.now,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Updates a user's name and/or password hash (global: the user row is shared by organizations). */
export async function updateUser(
  exec: Exec,
  userId: string,
  patch: { name?: string; passwordHash?: string; now: Date },
): Promise<void> {
  await exec
    .update(users)
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.passwordHash !== undefined && { passwordHash: patch.passwordHash }),
      updatedAt: patch.now,
    })
    .where(eq(users.id, userId));
}

/** Every organization the user belongs to, oldest membership first (the default at login). */
export const membershipsOfUser = (exec: Exec, userId: string) =>
  exec
    .select({
      organizationId: memberships.organizationId,
      organizationName: organizations.name,
      role: memberships.role,
      deactivatedAt: memberships.deactivatedAt,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(memberships.organizationId));
