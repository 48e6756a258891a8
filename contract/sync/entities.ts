import { z } from 'zod';
import { text } from '../domain/text';
import { Contact } from '../api/contacts';
import { Conversation } from '../api/conversations';
import { Message } from '../api/messages';
import { Note } from '../api/notes';
import { Template } from '../api/templates';
import { Team } from '../api/teams';
import { Member } from '../api/users';
import { Label } from '../api/labels';
import { CannedResponse } from '../api/canned-responses';
import { WhatsAppAccount } from '../api/whatsapp-accounts';
import { BusinessHoursRow } from '../api/organization';

/**
 * What a change entry carries (design/sync-protocol.md §2.5): the synced entities, their row
 * shapes and the change entry itself. Rows reuse the REST shapes of contract/api, extended
 * with the few fields only sync needs, so a row in the replica is what `GET /api/v1/...` shows.
 */

/**
 * A position in an organization's change order: the `seq` of `sync_log`, gap-free per tenant,
 * equal to commit order. Also every synced row's `version` (the seq of its last change).
 * Serialized as a JSON number; the server keeps it a safe integer (< 2^53).
 */
export const Seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export type Seq = z.infer<typeof Seq>;

/**
 * The synced entities, as spelled on the wire (`e`). The server's `sync_log.entity` may use
 * other names internally (`user` for `member`); entities outside this list are never sent.
 */
export const SyncEntity = z.enum([
  'conversation',
  'message',
  'contact',
  'template',
  'member',
  'team',
  'note',
  'reaction',
  'whatsapp_account',
  'label',
  'canned_response',
  'business_hours',
]);
export type SyncEntity = z.infer<typeof SyncEntity>;

/** Change operations, matching `sync_log.op` (put=1, del=2, revoke=3, grant=4, group_join=5, group_leave=6). */
export const ChangeOp = z.enum(['put', 'del', 'revoke', 'grant', 'group_join', 'group_leave']);
export type ChangeOp = z.infer<typeof ChangeOp>;

/**
 * Why a conversation is visible to the viewer (§2.3), as stored in the replica's `_scope`:
 * `assignee` (assigned to me), `role` (I am a manager or admin), `owner` (it is on a WhatsApp
 * number I own), `team:<teamId>` (a team of mine may see it: its unassigned queue, or all of it
 * when the organization allows; never on a member-owned number).
 * A conversation stays in a replica while at least one reason holds.
 */
export const ScopeReason = text().regex(
  /^(assignee|role|owner|team:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
  {
    message: 'A scope reason is assignee, role, owner or team:<uuid>',
  },
);
export type ScopeReason = z.infer<typeof ScopeReason>;

/**
 * A conversation as synced: the REST `Conversation` plus the viewer's read marker and the
 * newest `convSeq`. The server projects it per user (the read marker is the viewer's own).
 */
export const ConversationRow = Conversation.extend({
  /** The viewer's read marker: the highest `convSeq` this user has read; only moves forward. */
  readUpToConvSeq: z.number().int().nonnegative(),
  /** `convSeq` of the newest message, 0 before the first; tells a client how far history goes. */
  lastConvSeq: z.number().int().nonnegative(),
});
export type ConversationRow = z.infer<typeof ConversationRow>;

/** A message as synced: the REST `Message`. Its `reactions` are sent as `reaction` rows instead. */
export const MessageRow = Message;
export type MessageRow = z.infer<typeof MessageRow>;

/** An emoji reaction on a message, one row per (message, reactor). */
export const ReactionRow = z.object({
  /** Server-assigned id of this (message, reactor) pair. */
  id: z.uuid(),
  conversationId: z.uuid(),
  /** The message reacted to. */
  messageId: z.uuid(),
  /** `customer`, or the id of the member who reacted. */
  by: text().min(1),
  /** The emoji. Removing a reaction is a `del` of this row. */
  emoji: text().min(1),
  /** When it was made, ISO 8601 (Meta's time for the customer's). */
  at: text(),
});
export type ReactionRow = z.infer<typeof ReactionRow>;

/** The row schema of each entity (the `row` of a `put`). */
export const rowSchemas = {
  conversation: ConversationRow,
  message: MessageRow,
  contact: Contact,
  template: Template,
  member: Member,
  team: Team,
  note: Note,
  reaction: ReactionRow,
  whatsapp_account: WhatsAppAccount,
  /** Tenant-public: every member. */
  label: Label,
  /** Organization-wide ones to every member; a personal one to its owner only. */
  canned_response: CannedResponse,
  /** Tenant-public: one row per organization (its id), to every member. */
  business_hours: BusinessHoursRow,
} as const satisfies Record<SyncEntity, z.ZodType>;

/** The row type of an entity. */
export type RowOf<E extends SyncEntity> = z.infer<(typeof rowSchemas)[E]>;

/** Entities that belong to one conversation and follow its scope (§2.3). */
export const CONVERSATION_SCOPED: ReadonlySet<SyncEntity> = new Set([
  'conversation',
  'message',
  'note',
  'reaction',
]);

const base = {
  /** The entity's id (a UUID). */
  id: z.uuid(),
  /**
   * The version: for `put`, the row's `version` column as read (the seq of its last change, which
   * may be newer than the entry that caused the read); for `del`, `revoke`, `grant` and
   * `group_*`, the seq of that log entry. Clients upsert only when `v` is newer than what they hold.
   */
  v: Seq,
};

const put = <E extends SyncEntity>(e: E) =>
  z.object({
    /** The entity. */
    e: z.literal(e),
    ...base,
    /** Upsert the row if `v` is newer than what the replica holds (version-guarded). */
    op: z.literal('put'),
    /** The row as it is now on the server, projected for the viewer. */
    row: rowSchemas[e],
  });

/**
 * A conversation `put`. Carries `scope`, every reason the viewer may see it now, which the
 * client stores as `_scope` (shown in the UI, updated by `group_leave`). Losing the last reason
 * is always announced by a `revoke`: the client never deletes on its own reasoning.
 */
export const ConversationPut = put('conversation').extend({
  /** Why the viewer sees this conversation (at least one reason). */
  scope: z.array(ScopeReason).min(1),
});
export type ConversationPut = z.infer<typeof ConversationPut>;

/** A `put` of any entity: the current row, for a version-guarded upsert. */
export const PutEntry = z.discriminatedUnion('e', [
  ConversationPut,
  put('message'),
  put('contact'),
  put('template'),
  put('member'),
  put('team'),
  put('note'),
  put('reaction'),
  put('whatsapp_account'),
  put('label'),
  put('canned_response'),
  put('business_hours'),
]);
export type PutEntry = z.infer<typeof PutEntry>;

/**
 * A deletion. The client deletes the row (a conversation takes its messages, notes and
 * reactions with it) and keeps a tombstone `(e, id, v)` so an older `put` cannot resurrect it.
 */
export const DelEntry = z.object({
  e: SyncEntity,
  ...base,
  op: z.literal('del'),
});
export type DelEntry = z.infer<typeof DelEntry>;

/**
 * The viewer lost every reason to see a conversation, WHATEVER the cause: a reassignment, a
 * claim by someone else (team-queue rule), leaving a team, losing the manager role, an
 * organization policy change. The server writes one per (conversation, user) in the same
 * transaction as the cause, evaluating scope against current state. The client deletes the
 * conversation with its messages, notes and reactions in one transaction, keeps its queued
 * mutations (the server decides them), and tells the person. Sent only to the subject user.
 *
 * (Deviation from the design's "drop by `_scope` on group_leave": pulls filter rows by CURRENT
 * scope, so a client's stored reasons can be stale in both directions after an offline period;
 * the simulation found replicas keeping conversations a demoted user may no longer see, and
 * dropping ones still visible. Only the server can decide exactly.)
 */
export const RevokeEntry = z.object({
  e: z.literal('conversation'),
  ...base,
  op: z.literal('revoke'),
  /** Who has it now, when it was reassigned to a member (for "reassigned to B"). */
  reassignedTo: z.uuid().nullable().optional(),
  /** `reassigned` (default): the conversation moved; `scope`: the viewer left a team or lost a role. */
  reason: z.enum(['reassigned', 'scope']).optional(),
});
export type RevokeEntry = z.infer<typeof RevokeEntry>;

/**
 * The viewer gained access to a conversation. The row is always inlined; `related` inlines the
 * contact, the last messages (up to {@link GRANT_INLINE_MESSAGES}), their reactions and the
 * notes when they fit in about {@link GRANT_INLINE_MAX_BYTES}. Without `related` (a pointer)
 * the client fetches `GET /api/v1/sync/history?conversationId=…` (first page). Either way the
 * client records `history_floor` = `floorConvSeq` (inline) or the history page's lowest seq.
 */
export const GrantEntry = z.object({
  e: z.literal('conversation'),
  ...base,
  op: z.literal('grant'),
  /** The conversation as it is now. */
  row: ConversationRow,
  /** The row's `version` (the seq of its last change; `v` is the grant's own seq). */
  rowVersion: Seq,
  /** Why the viewer sees it now. */
  scope: z.array(ScopeReason).min(1),
  /** Inlined rows of this conversation (contact, messages, reactions, notes); absent = pointer. */
  related: z.array(PutEntry).optional(),
  /** With `related`: the lowest `convSeq` of the inlined messages (1 = complete, null = none). */
  floorConvSeq: z.number().int().positive().nullable().optional(),
});
export type GrantEntry = z.infer<typeof GrantEntry>;

/**
 * A group the viewer's scope depends on: a team (`team:<id>`; `team_all:<id>` when the
 * organization lets members see all of a team's conversations, not only its queue) or the
 * manager/admin role (`role`).
 */
export const GroupRef = text().regex(/^(role|team:[0-9a-f-]{36}|team_all:[0-9a-f-]{36})$/, {
  message: 'A group is role, team:<uuid> or team_all:<uuid>',
});
export type GroupRef = z.infer<typeof GroupRef>;

/**
 * The viewer joined or left a group (team membership, role change). On `group_join` the
 * client runs a partial bootstrap (`GET /api/v1/sync/bootstrap?phase=1&group=…`) for that
 * group's hot set (older rows the log will not bring again). On `group_leave` it removes the
 * reason from its `_scope` bookkeeping; the conversations the viewer no longer sees come as
 * `revoke` entries in the same transaction. `id` is the team id for team groups and the
 * viewer's user id for `role`.
 */
export const GroupEntry = z.object({
  e: z.literal('group'),
  ...base,
  op: z.enum(['group_join', 'group_leave']),
  /** Which group. */
  group: GroupRef,
});
export type GroupEntry = z.infer<typeof GroupEntry>;

/**
 * One entry of a pull page, a live packet or a bootstrap stream. Entries are in seq order;
 * a pull or packet holds at most one row entry per (entity, id) (compacted: the newest).
 */
export const ChangeEntry = z.union([PutEntry, DelEntry, RevokeEntry, GrantEntry, GroupEntry]);
export type ChangeEntry = z.infer<typeof ChangeEntry>;

/** How many messages a grant inlines at most, and the size budget that decides inline vs pointer. */
export const GRANT_INLINE_MESSAGES = 50;
/** About 64 KB of JSON: beyond it a grant is a pointer. */
export const GRANT_INLINE_MAX_BYTES = 64 * 1024;
