import { and, desc, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type {
  Conversation,
  ConversationPage,
  ListConversationsQuery,
  UpdateConversationBody,
} from '#contract/api/conversations';
import { MessageStatus, MessageType } from '#contract/domain/messaging';
import type { Principal } from '../auth/auth-service';
import { autoAssign } from '../assignment/auto-assign';
import type { AuditRecorder } from '../audit/audit-log';
import type { Clock } from '../../lib/clock';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import { fail, ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import { escapeLike } from '../templates/template-service';
import { assigneeChange, mayAssignAnyone, mayMoveBetweenTeams } from '../visibility/capabilities';
import { viewerOf, visibleConversationSql } from '../visibility/queries';
import { canSeeConversation } from '../visibility/rule';
import { scopeChangesForConversation } from '../visibility/scope-changes';
import type { Job, JobOutcome, JobQueue } from '../../storage/job-queue';
import { recordChanges } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { contacts, conversations, memberships, messages, teams } from '../../storage/schema/index';

/** Queue of snoozed-until-a-time wake-ups. */
export const CONVERSATION_WAKE_QUEUE = 'conversation_wake';
/** Payload of a wake-up job. */
export type WakePayload = { conversationId: string; until: string };

const columns = {
  c: conversations,
  contactId: contacts.id,
  contactName: sql<string | null>`coalesce(${contacts.name}, ${contacts.profileName})`,
  contactPhone: contacts.phoneE164,
  contactWaId: contacts.waId,
};
type Row = {
  c: typeof conversations.$inferSelect;
  contactId: string;
  contactName: string | null;
  contactPhone: string | null;
  contactWaId: string | null;
};

/** A row (with its contact) as the contract's Conversation. */
export const toConversation = (r: Row): Conversation => ({
  id: r.c.id,
  status: r.c.status,
  snoozedUntil: r.c.snoozedUntil?.toISOString() ?? null,
  contact: { id: r.contactId, name: r.contactName, phone: r.contactPhone, waId: r.contactWaId },
  whatsappAccountId: r.c.whatsappAccountId,
  assigneeId: r.c.assigneeId,
  teamId: r.c.teamId,
  important: r.c.important,
  labels: r.c.labels,
  unreadCount: r.c.unreadCount,
  lastMessageAt: r.c.lastMessageAt?.toISOString() ?? null,
  lastMessage:
    r.c.lastMessageId && r.c.lastMessageAt
      ? {
          id: r.c.lastMessageId,
          type: MessageType.safeParse(r.c.lastMessageType).data ?? 'unsupported',
          direction: r.c.lastMessageDirection ?? 'inbound',
          preview: r.c.lastMessagePreview ?? '',
          status: MessageStatus.safeParse(r.c.lastMessageStatus).data ?? 'delivered',
          at: r.c.lastMessageAt.toISOString(),
        }
      : null,
  windowExpiresAt: r.c.windowExpiresAt?.toISOString() ?? null,
  waitingSince: r.c.waitingSince?.toISOString() ?? null,
  createdAt: r.c.createdAt.toISOString(),
  updatedAt: r.c.updatedAt.toISOString(),
});

/** [lastMessageAt ISO or '' when null, id]. */
const Cursor = z.tuple([
  z
    .literal('')
    .transform(() => null)
    .or(cursorIsoTime),
  z.uuid(),
]);
const taken = () => fail('conflict', 'Someone else took this conversation first');

/** Conversations: the inbox list, one conversation, and workflow changes. */
export type ConversationService = ReturnType<typeof createConversationService>;

/** Creates the conversation service. Every method takes the organization and the acting principal. */
export function createConversationService(deps: {
  db: Db;
  clock: Clock;
  jobs: Pick<JobQueue, 'enqueue'>;
  /** For auto-assignment's decision log (a woken conversation with no assignee). */
  audit: AuditRecorder;
}) {
  const { db, clock } = deps;

  const select = (tx: Db | Tx) =>
    tx.select(columns).from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId));

  /**
   * One conversation with its contact: the actor's when `actor` is given (others, and other
   * organizations', are not found), else any of the organization's.
   */
  const read = async (
    tx: Db | Tx,
    organizationId: string,
    actor: Principal | null,
    id: string,
    lock = false,
  ) => {
    const q = select(tx).where(
      and(
        eq(conversations.organizationId, organizationId),
        eq(conversations.id, id),
        actor ? visibleConversationSql(organizationId, actor) : undefined,
      ),
    );
    const [row] = lock ? await q.for('update', { of: conversations }) : await q;
    return row as Row | undefined;
  };

  return {
    /** The inbox: newest activity first, keyset on (last_message_at, id), scoped to the actor. */
    list: async (
      organizationId: string,
      actor: Principal,
      q: ListConversationsQuery,
    ): Promise<Result<ConversationPage>> => {
      const cursor = parseCursor(q.cursor, Cursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value && { at: cursor.value[0], id: cursor.value[1] };
      const like = q.q ? `%${escapeLike(q.q)}%` : undefined;
      const where: (SQL | undefined)[] = [
        eq(conversations.organizationId, organizationId),
        visibleConversationSql(organizationId, actor),
        q.status ? eq(conversations.status, q.status) : undefined,
        q.assignee === 'me'
          ? eq(conversations.assigneeId, actor.userId)
          : q.assignee === 'unassigned'
            ? isNull(conversations.assigneeId)
            : q.assignee
              ? eq(conversations.assigneeId, q.assignee)
              : undefined,
        q.teamId ? eq(conversations.teamId, q.teamId) : undefined,
        q.label ? sql`${q.label} = any(${conversations.labels})` : undefined,
        q.unread === undefined
          ? undefined
          : q.unread
            ? sql`${conversations.unreadCount} > 0`
            : eq(conversations.unreadCount, 0),
        q.important === undefined ? undefined : eq(conversations.important, q.important),
        like
          ? sql`(coalesce(${contacts.name}, '') ilike ${like} or coalesce(${contacts.profileName}, '') ilike ${like}
              or coalesce(${contacts.phoneE164}, '') ilike ${like} or coalesce(${contacts.waId}, '') ilike ${like}
              or exists (select 1 from ${messages} where ${messages.organizationId} = ${organizationId}
                and ${messages.conversationId} = ${conversations.id}
                and (${messages.text} ilike ${like} or ${messages.caption} ilike ${like})))`
          : undefined,
        after
          ? after.at
            ? or(
                lt(conversations.lastMessageAt, after.at),
                and(eq(conversations.lastMessageAt, after.at), lt(conversations.id, after.id)),
                isNull(conversations.lastMessageAt),
              )
            : and(isNull(conversations.lastMessageAt), lt(conversations.id, after.id))
          : undefined,
      ];
      const rows = (await select(db)
        .where(and(...where))
        .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.id))
        .limit(q.limit + 1)) as Row[];
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map(toConversation),
        nextCursor:
          rows.length > q.limit && last
            ? encodeCursor([last.c.lastMessageAt?.toISOString() ?? '', last.c.id])
            : null,
      });
    },

    get: async (organizationId: string, actor: Principal, id: string): Promise<Result<Conversation>> => {
      const row = await read(db, organizationId, actor, id);
      return row ? ok(toConversation(row)) : notFound('Conversation');
    },

    /**
     * Workflow changes, field by field, in one transaction (nothing is written on refusal):
     * status (snoozed until a time, or until the customer's next message), assignee (an active
     * member; managers and admins assign anyone; an agent may take an unassigned conversation —
     * first commit wins — or hand back their own), team (managers and admins), important,
     * labels. Who may do what is `domain/visibility/capabilities.ts`. Logs the put and the
     * revoke/grant entries of agents whose visibility changed.
     */
    update: async (
      organizationId: string,
      actor: Principal,
      id: string,
      body: UpdateConversationBody,
    ): Promise<Result<Conversation>> => {
      const now = clock.now();
      const outcome = await db.transaction(async (tx): Promise<Result<null>> => {
        // Lock the row, then check visibility on what is now committed: two agents claiming the
        // same conversation queue on the lock, and the second learns it was taken (409), not 404.
        const row = await read(tx, organizationId, null, id, true);
        if (!row) return notFound('Conversation');
        const cur = row.c;
        const viewer = await viewerOf(tx, organizationId, actor);
        if (!canSeeConversation(cur, viewer)) {
          const lostClaim =
            body.assigneeId === actor.userId &&
            cur.assigneeId !== null &&
            cur.teamId !== null &&
            viewer.teamIds.has(cur.teamId);
          return lostClaim ? taken() : notFound('Conversation');
        }
        const patch: Partial<typeof conversations.$inferInsert> = {};

        // Status and snooze.
        if (body.status !== undefined) {
          patch.status = body.status;
          if (body.status !== 'snoozed') patch.snoozedUntil = null;
        }
        if (body.snoozedUntil !== undefined) {
          if ((body.status ?? cur.status) !== 'snoozed')
            return fail('unprocessable', 'A snooze time needs the status "snoozed"');
          const until = body.snoozedUntil === null ? null : new Date(body.snoozedUntil);
          if (until && until.getTime() <= now.getTime())
            return fail('unprocessable', 'The snooze time must be in the future');
          patch.snoozedUntil = until;
        } else if (body.status === 'snoozed') patch.snoozedUntil = null;

        // Assignee.
        if (body.assigneeId !== undefined && body.assigneeId !== cur.assigneeId) {
          const target = body.assigneeId;
          const may = assigneeChange(cur, viewer, target);
          if (may === 'taken') return taken();
          if (may === 'forbidden')
            return fail('forbidden', 'Agents can only take unassigned conversations or hand back their own');
          if (target !== null) {
            const [m] = await tx
              .select({ deactivatedAt: memberships.deactivatedAt })
              .from(memberships)
              .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, target)));
            if (!m) return notFound('Member');
            if (m.deactivatedAt)
              return fail('unprocessable', 'This member is deactivated and cannot be assigned');
          }
          patch.assigneeId = target;
        }

        // Team.
        if (body.teamId !== undefined && body.teamId !== cur.teamId) {
          if (!mayMoveBetweenTeams(actor.role))
            return fail('forbidden', 'Only managers and admins can move conversations between teams');
          if (body.teamId !== null) {
            const [t] = await tx
              .select({ id: teams.id })
              .from(teams)
              .where(and(eq(teams.organizationId, organizationId), eq(teams.id, body.teamId)));
            if (!t) return notFound('Team');
          }
          patch.teamId = body.teamId;
        }
        if (body.important !== undefined) patch.important = body.important;
        if (body.labels !== undefined) patch.labels = [...new Set(body.labels)];

        const changedKeys = Object.keys(patch).filter(
          (k) =>
            JSON.stringify(patch[k as keyof typeof patch]) !==
            JSON.stringify(cur[k as keyof typeof cur] ?? null),
        );
        if (changedKeys.length === 0) return ok(null);

        const updated = await tx
          .update(conversations)
          // Someone chose an assignee: the conversation leaves the auto-assignment queue.
          .set({ ...patch, ...(patch.assigneeId && { autoAssignPending: false }), updatedAt: now })
          .where(
            and(
              eq(conversations.organizationId, organizationId),
              eq(conversations.id, id),
              // An agent's claim is a compare-and-set on "still unassigned".
              patch.assigneeId !== undefined && !mayAssignAnyone(actor.role) && cur.assigneeId === null
                ? isNull(conversations.assigneeId)
                : undefined,
            ),
          )
          .returning({ id: conversations.id });
        if (updated.length === 0) return taken();

        const after = {
          assigneeId: patch.assigneeId !== undefined ? patch.assigneeId : cur.assigneeId,
          teamId: patch.teamId !== undefined ? patch.teamId : cur.teamId,
          ownerId: cur.ownerId,
        };
        const scope =
          after.assigneeId !== cur.assigneeId || after.teamId !== cur.teamId
            ? await scopeChangesForConversation(tx, organizationId, id, cur, after)
            : [];
        if (patch.status === 'snoozed' && patch.snoozedUntil)
          await deps.jobs.enqueue(tx, {
            queue: CONVERSATION_WAKE_QUEUE,
            organizationId,
            dedupeKey: `${id}:${patch.snoozedUntil.toISOString()}`,
            payload: { conversationId: id, until: patch.snoozedUntil.toISOString() } satisfies WakePayload,
            runAt: patch.snoozedUntil,
          });
        await recordChanges(tx, organizationId, [
          { entity: 'conversation', entityId: id, conversationId: id },
          ...scope,
        ]);
        return ok(null);
      });
      if (!outcome.ok) return outcome;
      const row = await read(db, organizationId, null, id);
      return row ? ok(toConversation(row)) : notFound('Conversation');
    },

    /**
     * The wake-up job: a conversation snoozed until `until` opens again then (unless changed
     * since). Woken with no assignee, it goes through auto-assignment in the same transaction,
     * by the same rule as a conversation reopened by its customer (ingest-conversations.ts).
     */
    wakeJob: async (job: Job<WakePayload>): Promise<JobOutcome> => {
      const organizationId = job.organizationId;
      if (!organizationId) return { kind: 'fail', error: 'job without organization' };
      const until = new Date(job.payload.until);
      await db.transaction(async (tx) => {
        const now = clock.now();
        const woken = await tx
          .update(conversations)
          .set({
            status: 'open',
            snoozedUntil: null,
            updatedAt: now,
            autoAssignPending: sql`${conversations.autoAssignPending} or (${conversations.assigneeId} is null
              and exists (select 1 from auto_assign_scopes s
                where s.organization_id = ${conversations.organizationId}
                  and ((s.kind = 'team' and s.target_id = ${conversations.teamId})
                    or (s.kind = 'number' and s.target_id = ${conversations.whatsappAccountId}))))`,
          })
          .where(
            and(
              eq(conversations.organizationId, organizationId),
              eq(conversations.id, job.payload.conversationId),
              eq(conversations.status, 'snoozed'),
              eq(conversations.snoozedUntil, until),
            ),
          )
          .returning({ id: conversations.id, pending: conversations.autoAssignPending });
        if (woken.length === 0) return;
        // The row is locked by the update above: autoAssign decides for it alone.
        const assigned = woken[0]!.pending
          ? await autoAssign(tx, deps.audit, organizationId, now, [job.payload.conversationId])
          : { changes: [] };
        await recordChanges(tx, organizationId, [
          {
            entity: 'conversation',
            entityId: job.payload.conversationId,
            conversationId: job.payload.conversationId,
          },
          ...assigned.changes,
        ]);
      });
      return { kind: 'done' };
    },
  };
}
