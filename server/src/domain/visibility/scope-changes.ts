import { and, eq, inArray } from 'drizzle-orm';
import type { GroupRef } from '#contract/sync/protocol';
import type { Role } from '#contract/domain/roles';
import type { Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { organizationSettings, teamMembers } from '../../storage/schema/index';
import { loadViewer, loadViewers, readSeeAll } from './queries';
import { canSeeConversation, seesEverything, teamGroup, type ConversationFacts } from './rule';

// Changes of who sees what, as sync-log entries written by the writers themselves in the
// writing transaction (sync-protocol §2.10): revoke/grant when a conversation's assignee or team
// changes, group_join/group_leave when a member's teams or role or the organization's policy
// change. The tailer and pull read them back (`groupOfEntry`) to route and to tell clients.

/** Any statement runner: the database or a transaction. */
type Exec = Db | Tx;

/**
 * Revoke and grant log entries for a change of a conversation's assignee, team or number owner
 * (sync-protocol §2.10 steps 3–4): `revoke` for every member who saw it before and no longer
 * does, `grant` for every member who sees it now and did not. Managers and admins never change
 * (they see everything), so only the old and new assignee and owner and the members of the old
 * and new team are examined. Call inside the writing transaction, after the update, and log the result
 * with the conversation's `put`.
 */
export async function scopeChangesForConversation(
  tx: Exec,
  organizationId: string,
  conversationId: string,
  before: ConversationFacts,
  after: ConversationFacts,
): Promise<Change[]> {
  if (
    before.assigneeId === after.assigneeId &&
    before.teamId === after.teamId &&
    before.ownerId === after.ownerId
  )
    return [];
  return scopeChangesForConversations(tx, organizationId, [{ id: conversationId, before, after }]);
}

/** One conversation's facts before and after a change. */
export type FactsChange = { id: string; before: ConversationFacts; after: ConversationFacts };

/**
 * Revoke and grant entries for a change of the facts of many conversations at once (a number's
 * owner changing rewrites all of its conversations): one read of the members concerned — the old
 * and new assignees and owners, and the members of the teams involved — then the rule per
 * conversation. `put` entries for the conversations are the caller's.
 */
export async function scopeChangesForConversations(
  tx: Exec,
  organizationId: string,
  items: readonly FactsChange[],
): Promise<Change[]> {
  const facts = items.flatMap((i) => [i.before, i.after]);
  const teamIds = [...new Set(facts.map((f) => f.teamId).filter((t): t is string => t !== null))];
  const candidates = new Set(
    facts.flatMap((f) => [f.assigneeId, f.ownerId]).filter((u): u is string => u !== null),
  );
  if (teamIds.length > 0) {
    const links = await tx
      .select({ userId: teamMembers.userId })
      .from(teamMembers)
      .where(and(eq(teamMembers.organizationId, organizationId), inArray(teamMembers.teamId, teamIds)));
    for (const l of links) candidates.add(l.userId);
  }
  const viewers = [...(await loadViewers(tx, organizationId, [...candidates])).values()].sort((a, b) =>
    a.userId < b.userId ? -1 : 1,
  );
  const changes: Change[] = [];
  for (const { id: conversationId, before, after } of items)
    for (const viewer of viewers) {
      const was = canSeeConversation(before, viewer);
      const is = canSeeConversation(after, viewer);
      if (was === is) continue;
      changes.push({
        entity: 'conversation',
        entityId: conversationId,
        op: was ? 'revoke' : 'grant',
        subjectUser: viewer.userId,
        conversationId,
      });
    }
  return changes;
}

/** The `sync_log.entity` of a group entry: `group:role`, `group:team` or `group:team_all`. */
export const GROUP_ENTITY = {
  role: 'group:role',
  team: 'group:team',
  team_all: 'group:team_all',
} as const;

/** The log change for a member joining or leaving `group`. */
export function groupChange(userId: string, group: GroupRef, op: 'group_join' | 'group_leave'): Change {
  if (group === 'role') return { entity: GROUP_ENTITY.role, entityId: userId, op, subjectUser: userId };
  const [kind, teamId] = group.split(':') as ['team' | 'team_all', string];
  return { entity: GROUP_ENTITY[kind], entityId: teamId, op, subjectUser: userId };
}

/** The group of a group log entry, or null when `entity` is not one. */
export function groupOfEntry(entity: string, entityId: string): GroupRef | null {
  if (entity === GROUP_ENTITY.role) return 'role';
  if (entity === GROUP_ENTITY.team) return `team:${entityId}`;
  if (entity === GROUP_ENTITY.team_all) return `team_all:${entityId}`;
  return null;
}

/**
 * Log entries for a member's team membership change (sync-protocol §2.10 "team membership"):
 * the team's `put` (its member list changed) and `group_join`/`group_leave` for the member.
 */
export async function scopeChangesForTeamMembership(
  tx: Exec,
  organizationId: string,
  teamId: string,
  userId: string,
  op: 'group_join' | 'group_leave',
): Promise<Change[]> {
  const seeAll = await readSeeAll(tx, organizationId);
  return [{ entity: 'team', entityId: teamId }, groupChange(userId, teamGroup(teamId, seeAll), op)];
}

/**
 * Log entries for a member's role change: the member's `put`, and when the change crosses the
 * manager line, `group_join role` (promotion: partial bootstrap of everything) or
 * `group_leave role` plus `group_join` of each team (demotion: the client drops what only the
 * role gave and re-fetches its teams' queues).
 */
export async function scopeChangesForRoleChange(
  tx: Exec,
  organizationId: string,
  userId: string,
  before: Role,
  after: Role,
): Promise<Change[]> {
  const changes: Change[] = [{ entity: 'member', entityId: userId }];
  const wasManager = seesEverything(before);
  const isManager = seesEverything(after);
  if (!wasManager && isManager) changes.push(groupChange(userId, 'role', 'group_join'));
  if (wasManager && !isManager) {
    changes.push(groupChange(userId, 'role', 'group_leave'));
    const viewer = await loadViewer(tx, organizationId, userId);
    for (const teamId of [...viewer.teamIds].sort())
      changes.push(groupChange(userId, teamGroup(teamId, viewer.seeAll), 'group_join'));
  }
  return changes;
}

/**
 * Turns the organization's "agents see all of their teams' conversations" policy on or off
 * inside `tx`, with the log entries that follow: for every team membership, the member leaves
 * the old group and joins the new one (`team:` ⇄ `team_all:`), so clients drop what they may no
 * longer see and partially bootstrap what they now may. Returns the changes to log.
 */
export async function setTeamVisibilityPolicy(
  tx: Tx,
  organizationId: string,
  seeAll: boolean,
  now: Date,
): Promise<Change[]> {
  const current = await readSeeAll(tx, organizationId);
  if (current === seeAll) return [];
  await tx
    .insert(organizationSettings)
    .values({ organizationId, agentsSeeAllTeamConversations: seeAll, updatedAt: now })
    .onConflictDoUpdate({
      target: organizationSettings.organizationId,
      set: { agentsSeeAllTeamConversations: seeAll, updatedAt: now },
    });
  const links = await tx
    .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(eq(teamMembers.organizationId, organizationId))
    .orderBy(teamMembers.teamId, teamMembers.userId);
  const changes: Change[] = [{ entity: SETTINGS_ENTITY, entityId: organizationId }];
  for (const l of links) {
    changes.push(groupChange(l.userId, teamGroup(l.teamId, current), 'group_leave'));
    changes.push(groupChange(l.userId, teamGroup(l.teamId, seeAll), 'group_join'));
  }
  return changes;
}

/** Log entity of the organization's scope settings (never sent; the tailer re-reads the policy). */
export const SETTINGS_ENTITY = 'organization_settings';
