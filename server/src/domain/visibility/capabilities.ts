import type { Role } from '#contract/domain/roles';
import {
  canSeeConversation,
  canSeeContact,
  seesEverything,
  type ConversationFacts,
  type Viewer,
} from './rule';

// What an actor may DO with a conversation and the rows hanging off it, for REST and sync alike
// (the conversation PATCH, the sync mutators, the contact routes). Seeing comes first: every
// write to a conversation (status, snooze, labels, importance, notes, sends, read markers)
// needs `canSeeConversation`; these are the checks on top of it. They encode the rules in force
// today; docs/decisions.md and issue 9 track where they are meant to change.

/** Managers and admins assign anyone (or no one) to any conversation. */
export const mayAssignAnyone = (role: Role): boolean => seesEverything(role);

/**
 * Moving a conversation between teams is for managers and admins (the sync `conversation.assign`
 * mutation, and `PATCH /conversations/:id` with `teamId`).
 */
export const mayMoveBetweenTeams = (role: Role): boolean => seesEverything(role);

/**
 * An agent taking a conversation (sync `conversation.claim`, or a PATCH assigning themselves):
 * `mine` when it is already theirs (nothing to do), `taken` when someone else holds it (the
 * first commit won; told only to members of its team), `out_of_scope` when it is not in one of their queues, else `allowed`
 * (a compare-and-set on "still unassigned" must follow).
 */
export function claimOutcome(
  conv: ConversationFacts,
  viewer: Viewer,
): 'mine' | 'taken' | 'out_of_scope' | 'allowed' {
  if (conv.assigneeId === viewer.userId) return 'mine';
  // A member-owned number's conversation is in nobody's queue but its owner's (issue 10).
  if (conv.ownerId !== null && conv.ownerId !== viewer.userId) return 'out_of_scope';
  // "Someone took it" only to whoever had it in a queue (its team): to anyone else the answer is
  // the one for a conversation they cannot see, which reveals nothing (issue 9, finding 7).
  if (conv.assigneeId !== null)
    return conv.teamId !== null && viewer.teamIds.has(conv.teamId) ? 'taken' : 'out_of_scope';
  return canSeeConversation(conv, viewer) ? 'allowed' : 'out_of_scope';
}

/** An agent may hand back (unassign) a conversation assigned to them. */
export const mayHandBack = (conv: ConversationFacts, viewer: Viewer): boolean =>
  conv.assigneeId !== null && conv.assigneeId === viewer.userId;

/**
 * Whether `viewer` may set the assignee of a conversation they see from `conv.assigneeId` to
 * `target`: managers and admins always; an agent only to take it while unassigned
 * ({@link claimOutcome}) or to hand back their own. `taken` when an agent tried to take a
 * conversation someone else holds.
 */
export function assigneeChange(
  conv: ConversationFacts,
  viewer: Viewer,
  target: string | null,
): 'allowed' | 'taken' | 'forbidden' {
  if (mayAssignAnyone(viewer.role)) return 'allowed';
  if (target !== null && target === viewer.userId) {
    const claim = claimOutcome(conv, viewer);
    return claim === 'taken' ? 'taken' : claim === 'out_of_scope' ? 'forbidden' : 'allowed';
  }
  return target === null && mayHandBack(conv, viewer) ? 'allowed' : 'forbidden';
}

/**
 * Editing a contact over sync (`contact.update`): managers and admins, or an agent who sees one
 * of the contact's conversations. (The REST contact routes treat contacts as the organization's
 * shared address book: every member reads and edits them.)
 */
export const mayEditContactOverSync = (refs: readonly ConversationFacts[], viewer: Viewer): boolean =>
  canSeeContact(refs, viewer);

/** Deleting a contact (one no conversation references) is for managers and admins. */
export const mayDeleteContact = (role: Role): boolean => seesEverything(role);

/** Creating, renaming, recolouring and deleting labels is for admins and managers. */
export const mayManageLabels = (role: Role): boolean => seesEverything(role);

/** The organization's canned responses are written by admins and managers; personal ones by anyone. */
export const mayManageOrganizationCannedResponses = (role: Role): boolean => seesEverything(role);

/**
 * Reports (issue 13) are for managers and admins: they count every conversation of the
 * organization, which an agent does not see. API keys are refused by the route table (no scope).
 */
export const mayReadReports = (role: Role): boolean => seesEverything(role);
