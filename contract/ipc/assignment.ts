import { z } from 'zod';
import { text } from '../domain/text';
import { AutoAssignSettings } from '../api/assignment';
import { Capacity, ChosenAvailability, Member } from '../api/users';
import { ConversationStatus } from '../domain/messaging';

/**
 * Availability, capacity, auto-assignment settings and the Team workload view (issue 13). The
 * writes are online-only REST calls through the core (like the Settings area); the workload is
 * read from the local replica, so its counts move as soon as the replica does.
 */

const id = z.uuid();
const none = z.undefined();

/** An unassigned conversation in a queue. */
export const QueuedConversation = z.object({
  id,
  status: ConversationStatus,
  contactName: text().nullable(),
  contactPhone: text().nullable(),
  waitingSince: text().nullable(),
});
export type QueuedConversation = z.infer<typeof QueuedConversation>;

/** A conversation of a member's, with its team (who it may be reassigned to). */
export const MemberConversation = QueuedConversation.extend({ teamId: id.nullable() });
export type MemberConversation = z.infer<typeof MemberConversation>;

/** What a member's row of the workload view counts (open and pending of the replica). */
export const MemberLoad = z.object({
  userId: id,
  open: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  /** The longest-waiting customer among the member's open and pending conversations. */
  oldestWaitingSince: text().nullable(),
  /**
   * The member's open and pending conversations, longest wait first, at most
   * {@link QUEUE_PREVIEW}: the workload view drags them onto a teammate to reassign.
   */
  conversations: z.array(MemberConversation),
});
export type MemberLoad = z.infer<typeof MemberLoad>;

/** A team's unassigned queue (`teamId` null: conversations without a team). */
export const TeamQueue = z.object({
  teamId: id.nullable(),
  unassigned: z.number().int().nonnegative(),
  oldestWaitingSince: text().nullable(),
  /** The longest-waiting first, at most {@link QUEUE_PREVIEW}. */
  conversations: z.array(QueuedConversation),
});
export type TeamQueue = z.infer<typeof TeamQueue>;

/** How many conversations of each queue (and each member) the workload view lists. */
export const QUEUE_PREVIEW = 50;

/** `workload:get` output. */
export const Workload = z.object({ members: z.array(MemberLoad), queues: z.array(TeamQueue) });
export type Workload = z.infer<typeof Workload>;

/** The channels: entries of the one IPC table (see `contract.ts`). */
export const assignmentIpc = {
  /** Set yourself Available or Away (server; online only). */
  'availability:set': { input: z.object({ availability: ChosenAvailability }), output: Member },
  /** A member's capacity for auto-assignment, null = unlimited (managers, admins; online only). */
  'members:setCapacity': { input: z.object({ id, capacity: Capacity }), output: Member },
  /** Where auto-assignment is on (online only). */
  'autoAssign:get': { input: none, output: AutoAssignSettings },
  /** Turn auto-assignment on or off for a team or number (admins; online only). */
  'autoAssign:set': {
    input: z.object({ kind: z.enum(['team', 'number']), id, enabled: z.boolean() }),
    output: AutoAssignSettings,
  },
  /** The Team workload view's counts, from the replica. */
  'workload:get': { input: none, output: Workload },
} as const;
