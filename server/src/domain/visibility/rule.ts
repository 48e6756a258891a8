import type { GroupRef, ScopeReason } from '#contract/sync/protocol';
import { atLeast, type Role } from '#contract/domain/roles';

// THE visibility rule of an organization (sync-protocol §2.3, decision 4), in memory. Every
// decision of who sees a conversation, and the rows hanging off it, comes from here or from its
// SQL form in `queries.ts` (tested to agree, `visibility.test.ts`):
// - managers and admins see every conversation of the organization (reason `role`);
// - an agent sees the conversations assigned to them (`assignee`) and the unassigned ones of
//   their teams (`team:<id>`); with the organization setting `agents_see_all_team_conversations`
//   all of their teams' conversations, assigned or not;
// - a conversation on a member-owned WhatsApp number (issue 10, `ownerId`) is private to that
//   member: its owner (`owner`), its assignee, managers and admins see it; team queues do not;
// - deactivated and removed members see nothing;
// - messages, notes, reactions and media follow their conversation; a contact is visible when a
//   visible conversation references it (managers and admins: every contact);
// - members, teams, templates, labels and WhatsApp accounts (never secrets) are tenant-public;
// - a canned response of the organization is seen by every member, a personal one by its owner
//   only (`canSeeCannedResponse`; its SQL form is `visibleCannedResponseSql`);
// - an API key is an organization-wide actor: it sees what managers see (every conversation and
//   contact of its organization) and no more of another; what it may DO is limited by its
//   scopes, which the route table checks before any service runs (`KEY_ROLE`, `keyViewer`).
// A conversation with neither assignee nor team is the managers' triage queue.

/** A member as visibility sees them. */
export type Viewer = {
  userId: string;
  role: Role;
  /** Deactivated or removed members see nothing. */
  active: boolean;
  teamIds: ReadonlySet<string>;
  /** The organization lets agents see all of their teams' conversations. */
  seeAll: boolean;
};

/**
 * The facts of a conversation its visibility depends on: its assignee, its team and the owner of
 * its WhatsApp number (null = the organization's number).
 */
export type ConversationFacts = { assigneeId: string | null; teamId: string | null; ownerId: string | null };

/** The facts of a conversation row (the owner column is the number's owner, copied). */
export const factsOf = (c: {
  assigneeId: string | null;
  teamId: string | null;
  ownerId: string | null;
}): ConversationFacts => ({ assigneeId: c.assigneeId, teamId: c.teamId, ownerId: c.ownerId });

/** Whether a team's queue shows a conversation with these facts to its members. */
const inTeamQueue = (conv: ConversationFacts, seeAll: boolean): boolean =>
  conv.teamId !== null && conv.ownerId === null && (conv.assigneeId === null || seeAll);

/**
 * The role an API key acts with inside the rule: organization-wide visibility, manager-level
 * capabilities (assign, move between teams) — never admin, so no key passes an admin check even
 * if a route forgot to refuse keys.
 */
export const KEY_ROLE: Role = 'manager';

/** The viewer an API key is (see {@link KEY_ROLE}); its id stands in for a user id. */
export const keyViewer = (keyId: string): Viewer => ({
  userId: keyId,
  role: KEY_ROLE,
  active: true,
  teamIds: new Set(),
  seeAll: false,
});

/** Whether a role sees every conversation (managers and admins). */
export const seesEverything = (role: Role): boolean => atLeast(role, 'manager');

/** Why `viewer` sees a conversation with these facts (empty = not visible). */
export function scopeReasons(conv: ConversationFacts, viewer: Viewer): ScopeReason[] {
  if (!viewer.active) return [];
  const reasons: ScopeReason[] = [];
  if (seesEverything(viewer.role)) reasons.push('role');
  if (conv.assigneeId !== null && conv.assigneeId === viewer.userId) reasons.push('assignee');
  if (conv.ownerId !== null && conv.ownerId === viewer.userId) reasons.push('owner');
  if (inTeamQueue(conv, viewer.seeAll) && viewer.teamIds.has(conv.teamId!))
    reasons.push(`team:${conv.teamId}`);
  return reasons;
}

/** Whether `viewer` sees a conversation with these facts. */
export const canSeeConversation = (conv: ConversationFacts, viewer: Viewer): boolean =>
  scopeReasons(conv, viewer).length > 0;

/**
 * Whether `viewer` sees a contact referenced by conversations with these facts: managers and
 * admins see every contact, others a contact one of their visible conversations is with.
 */
export const canSeeContact = (refs: readonly ConversationFacts[], viewer: Viewer): boolean =>
  viewer.active && (seesEverything(viewer.role) || refs.some((f) => canSeeConversation(f, viewer)));

/**
 * An organization's members indexed for the rule's inverse ("who sees this?"): what the
 * tailer's ACL cache keeps in memory. Only active members are listed.
 */
export type MemberIndex = {
  /** Active managers and admins. */
  managers: Iterable<string>;
  /** Active members of a team. */
  teamMembers: (teamId: string) => Iterable<string>;
  isActive: (userId: string) => boolean;
  seeAll: boolean;
};

/** Who sees a conversation with these facts: the rule inverted over a member index. */
export function audienceOf(facts: ConversationFacts, index: MemberIndex): Set<string> {
  const out = new Set(index.managers);
  if (facts.assigneeId !== null && index.isActive(facts.assigneeId)) out.add(facts.assigneeId);
  if (facts.ownerId !== null && index.isActive(facts.ownerId)) out.add(facts.ownerId);
  if (inTeamQueue(facts, index.seeAll)) for (const u of index.teamMembers(facts.teamId!)) out.add(u);
  return out;
}

/** Who sees a contact referenced by conversations with these facts (managers always). */
export function contactAudienceOf(refs: readonly ConversationFacts[], index: MemberIndex): Set<string> {
  const out = new Set(index.managers);
  for (const f of refs) for (const u of audienceOf(f, index)) out.add(u);
  return out;
}

/** The group a team gives its members under the organization's policy. */
export const teamGroup = (teamId: string, seeAll: boolean): GroupRef =>
  seeAll ? `team_all:${teamId}` : `team:${teamId}`;

/**
 * The conversations a group (sync-protocol §2.10) makes visible to `viewer`, as facts filters:
 * `all` (the `role` group of a manager), `none` (a group the viewer is not in), or one team's
 * conversations — only its unassigned ones for `team:`, all of them for `team_all:`.
 */
export type GroupCoverage =
  { kind: 'all' } | { kind: 'none' } | { kind: 'team'; teamId: string; unassignedOnly: boolean };

/** What `group` covers for `viewer` (partial bootstrap after a `group_join`). */
export function groupCoverage(group: GroupRef, viewer: Viewer): GroupCoverage {
  if (group === 'role') return seesEverything(viewer.role) ? { kind: 'all' } : { kind: 'none' };
  const teamId = group.slice(group.indexOf(':') + 1);
  if (!viewer.teamIds.has(teamId)) return { kind: 'none' };
  return { kind: 'team', teamId, unassignedOnly: !group.startsWith('team_all:') };
}

/** A short digest of a viewer's scope (the handshake's `scopeDigest`). */
export const scopeDigest = (viewer: Viewer): string =>
  `${viewer.role}:${[...viewer.teamIds].sort().join(',')}:${viewer.seeAll ? 'all' : 'queue'}`;

/** The owner of a canned response: null for the organization's, a user id for a personal one. */
export type CannedFacts = { ownerId: string | null };

/**
 * Whether `viewer` sees a canned response: an organization-wide one every active member (and
 * an API key) sees; a personal one only its owner — never a manager or an admin, since it is
 * the owner's own wording, not the organization's data.
 */
export const canSeeCannedResponse = (r: CannedFacts, viewer: Pick<Viewer, 'userId' | 'active'>): boolean =>
  viewer.active && (r.ownerId === null || r.ownerId === viewer.userId);
