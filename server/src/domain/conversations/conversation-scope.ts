import type { SQL } from 'drizzle-orm';
import { atLeast, type Role } from '#contract/domain/roles';
import { visibleConversationSql } from '../sync/scope';

/**
 * Who may see a conversation (sync-protocol §2.3 and decision 4): admins and managers see every
 * conversation of the organization; an agent sees those assigned to them and the unassigned
 * ones of their teams. A conversation with neither assignee nor team is the managers' triage
 * queue until someone routes it. The same rule drives REST reads, PATCH checks and the
 * revoke/grant entries of the sync log, so the replica and the API never disagree.
 */
export type Viewer = { userId: string; role: Role };

/**
 * SQL predicate over `conversations` (undefined — no restriction — for managers and admins).
 * The sync scope's predicate, which also honours the organization setting that lets agents see
 * all of their teams' conversations (`domain/sync/scope.ts`).
 */
export function visibleTo(organizationId: string, viewer: Viewer): SQL | undefined {
  if (atLeast(viewer.role, 'manager')) return undefined;
  return visibleConversationSql(organizationId, viewer);
}

/** The same rule in memory, for one conversation and a member with their team ids. */
export function canSee(
  conv: { assigneeId: string | null; teamId: string | null },
  member: { userId: string; role: Role; teamIds: ReadonlySet<string> },
): boolean {
  if (atLeast(member.role, 'manager')) return true;
  if (conv.assigneeId === member.userId) return true;
  return conv.assigneeId === null && conv.teamId !== null && member.teamIds.has(conv.teamId);
}
