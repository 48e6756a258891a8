import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { GroupRef } from '#contract/sync/protocol';
import { Role } from '#contract/domain/roles';
import type { Db, Tx } from '../../storage/db';
import {
  cannedResponses,
  contacts,
  conversations,
  media,
  memberships,
  messages,
  organizationSettings,
  teamMembers,
} from '../../storage/schema/index';
import { groupCoverage, seesEverything, type Viewer } from './rule';

// The visibility rule (`rule.ts`) against the database: loading a viewer's current scope, the
// SQL predicate every list and single read of conversations (and the rows joined to them) goes
// through, and the members who see one conversation. Each reads the viewer's teams and the
// organization's policy as they are now, inside the caller's transaction when given one.

/** Any statement runner: the database or a transaction. */
type Exec = Db | Tx;

/** Who acts: the user and their role (a `Principal` fits). */
export type Actor = { userId: string; role: Role };

/** Whether the organization lets agents see all of their teams' conversations. */
export async function readSeeAll(exec: Exec, organizationId: string): Promise<boolean> {
  const [row] = await exec
    .select({ v: organizationSettings.agentsSeeAllTeamConversations })
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, organizationId));
  return row?.v ?? false;
}

/** The current scope of one member (inactive when not a member). */
export async function loadViewer(exec: Exec, organizationId: string, userId: string): Promise<Viewer> {
  const [member] = await exec
    .select({ role: memberships.role, deactivatedAt: memberships.deactivatedAt })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  const teams = await exec
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.organizationId, organizationId), eq(teamMembers.userId, userId)));
  return {
    userId,
    role: member?.role ?? 'agent',
    active: member !== undefined && member.deactivatedAt === null,
    teamIds: new Set(teams.map((t) => t.teamId)),
    seeAll: await readSeeAll(exec, organizationId),
  };
}

/**
 * The scope of an authenticated actor whose role and membership the request check just read:
 * managers and admins need nothing more; an agent's teams and the policy are read.
 */
export async function viewerOf(exec: Exec, organizationId: string, actor: Actor): Promise<Viewer> {
  if (seesEverything(actor.role))
    return { userId: actor.userId, role: actor.role, active: true, teamIds: new Set(), seeAll: false };
  const teams = await exec
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.organizationId, organizationId), eq(teamMembers.userId, actor.userId)));
  return {
    userId: actor.userId,
    role: actor.role,
    active: true,
    teamIds: new Set(teams.map((t) => t.teamId)),
    seeAll: await readSeeAll(exec, organizationId),
  };
}

/** The current scope of several members at once (two queries plus the setting). */
export async function loadViewers(
  exec: Exec,
  organizationId: string,
  userIds: readonly string[],
): Promise<Map<string, Viewer>> {
  const out = new Map<string, Viewer>();
  if (userIds.length === 0) return out;
  const ids = [...new Set(userIds)];
  const members = await exec
    .select({ userId: memberships.userId, role: memberships.role, deactivatedAt: memberships.deactivatedAt })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), inArray(memberships.userId, ids)));
  const links = await exec
    .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.organizationId, organizationId), inArray(teamMembers.userId, ids)));
  const seeAll = await readSeeAll(exec, organizationId);
  for (const id of ids) {
    const m = members.find((x) => x.userId === id);
    out.set(id, {
      userId: id,
      role: m?.role ?? 'agent',
      active: m !== undefined && m.deactivatedAt === null,
      teamIds: new Set(links.filter((l) => l.userId === id).map((l) => l.teamId)),
      seeAll,
    });
  }
  return out;
}

/** SQL: the organization's "agents see all team conversations" policy, read now. */
const seeAllSql = (organizationId: string): SQL => sql`coalesce((
      select ${organizationSettings.agentsSeeAllTeamConversations} from ${organizationSettings}
      where ${organizationSettings.organizationId} = ${organizationId}), false)`;

/**
 * SQL: an agent (`userId`: a value, or a column of the outer query) sees the `conversations`
 * row — assigned to them, on a number they own, or on an organization number in one of their
 * teams and unassigned (or any, under the policy).
 */
const agentSeesSql = (organizationId: string, userId: string | AnyPgColumn): SQL =>
  sql`(${conversations.assigneeId} = ${userId} or ${conversations.ownerId} = ${userId}
    or (${conversations.ownerId} is null and ${conversations.teamId} in (
      select ${teamMembers.teamId} from ${teamMembers}
      where ${teamMembers.organizationId} = ${organizationId} and ${teamMembers.userId} = ${userId})
    and (${conversations.assigneeId} is null or ${seeAllSql(organizationId)})))`;

/**
 * SQL: "the `conversations` row is visible to `actor`" (`true` for managers and admins) — the
 * predicate of every list and read of conversations and of rows joined to their conversation
 * (messages, notes, reactions). Reads the actor's teams and the policy in subqueries, so it is
 * always current. The actor is assumed active (authenticated, or checked by the caller).
 */
export function visibleConversationSql(organizationId: string, actor: Actor): SQL {
  if (seesEverything(actor.role)) return sql`true`;
  return agentSeesSql(organizationId, actor.userId);
}

/**
 * SQL: "the `contacts` row is visible to `actor`" over REST (issue 9, finding 4), the same rule as
 * sync's `canSeeContact`: managers and admins see every contact; an agent a contact one of their
 * visible conversations is with, or one no conversation references yet (an address-book entry
 * someone is about to write to: nobody's customer, so nobody's to hide).
 */
export function visibleContactSql(organizationId: string, actor: Actor): SQL {
  if (seesEverything(actor.role)) return sql`true`;
  return sql`(exists (
      select 1 from ${conversations}
      where ${conversations.organizationId} = ${organizationId} and ${conversations.contactId} = ${contacts.id}
        and ${agentSeesSql(organizationId, actor.userId)})
    or not exists (
      select 1 from ${conversations} c2
      where c2.organization_id = ${organizationId} and c2.contact_id = ${contacts.id}))`;
}

/**
 * SQL: "the `media` row is visible to `actor`" (issue 9, finding 4): managers and admins see all;
 * an agent media attached to a message of a conversation they see (so a reassignment takes the
 * downloads away with the conversation), or an upload not attached to any message yet (only its
 * uploader holds its random id until it is sent).
 */
export function visibleMediaSql(organizationId: string, actor: Actor): SQL {
  if (seesEverything(actor.role)) return sql`true`;
  return sql`(exists (
      select 1 from ${messages} join ${conversations}
        on ${conversations.organizationId} = ${messages.organizationId} and ${conversations.id} = ${messages.conversationId}
      where ${messages.organizationId} = ${organizationId} and ${messages.mediaId} = ${media.id}
        and ${agentSeesSql(organizationId, actor.userId)})
    or (${media.source} = 'upload' and not exists (
      select 1 from ${messages} m2 where m2.organization_id = ${organizationId} and m2.media_id = ${media.id})))`;
}

/**
 * SQL: the conversations a group makes visible to `viewer` (partial bootstrap after a
 * `group_join`), to AND with {@link visibleConversationSql}; undefined when no restriction.
 */
export function groupConversationsSql(group: GroupRef | undefined, viewer: Viewer): SQL | undefined {
  if (!group) return undefined;
  const covers = groupCoverage(group, viewer);
  if (covers.kind === 'all') return undefined;
  if (covers.kind === 'none') return sql`false`;
  return covers.unassignedOnly
    ? and(
        eq(conversations.teamId, covers.teamId),
        isNull(conversations.assigneeId),
        isNull(conversations.ownerId),
      )
    : and(eq(conversations.teamId, covers.teamId), isNull(conversations.ownerId));
}

/**
 * One conversation as `actor` may read it: its row when it exists in the organization and the
 * actor sees it, else undefined (other organizations' ids and invisible ones look the same).
 * `lock` takes the row lock (FOR UPDATE) inside the caller's transaction.
 */
export async function visibleConversation(
  exec: Exec,
  organizationId: string,
  actor: Actor,
  conversationId: string,
  opts: { lock?: boolean } = {},
): Promise<typeof conversations.$inferSelect | undefined> {
  const q = exec
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, organizationId),
        eq(conversations.id, conversationId),
        visibleConversationSql(organizationId, actor),
      ),
    );
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

/** Roles that see every conversation, for SQL over `memberships.role`. */
const EVERYTHING_ROLES = Role.options.filter(seesEverything);

/** The active members who see a conversation now (none when it does not exist). One query. */
export async function membersWhoSee(
  exec: Exec,
  organizationId: string,
  conversationId: string,
): Promise<string[]> {
  const rows = await exec
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(
      conversations,
      and(eq(conversations.organizationId, memberships.organizationId), eq(conversations.id, conversationId)),
    )
    .where(
      and(
        eq(memberships.organizationId, organizationId),
        isNull(memberships.deactivatedAt),
        or(inArray(memberships.role, EVERYTHING_ROLES), agentSeesSql(organizationId, memberships.userId)),
      ),
    );
  return rows.map((r) => r.userId);
}

/**
 * The SQL form of `canSeeCannedResponse`: the organization's responses and the viewer's own
 * personal ones (never another member's, whatever the viewer's role).
 */
export const visibleCannedResponseSql = (organizationId: string, userId: string): SQL =>
  and(
    eq(cannedResponses.organizationId, organizationId),
    or(isNull(cannedResponses.ownerId), eq(cannedResponses.ownerId, userId)),
  )!;
