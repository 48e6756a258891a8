import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Mutation, MutationError } from '#contract/sync/protocol';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { CONVERSATION_WAKE_QUEUE, type WakePayload } from '../conversations/conversation-service';
import { markConversationRead } from '../messages/mark-read';
import { queueMessageSend } from '../messages/queue-send';
import type { MonthlyQuota } from '../messages/message-quota';
import type { JobQueue } from '../../storage/job-queue';
import { registerVersionedEntity, type Change } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import {
  contacts,
  conversationReads,
  conversations,
  memberships,
  messages,
  notes,
  teams,
} from '../../storage/schema/index';
import { claimOutcome, mayAssignAnyone, mayEditContactOverSync } from '../visibility/capabilities';
import { canSeeConversation, seesEverything, type Viewer } from '../visibility/rule';
import { scopeChangesForConversation } from '../visibility/scope-changes';
import { cannedMutators } from './canned-mutators';

// The mutators of sync-protocol §2.7: each runs inside the transaction the mutation ledger
// opened, re-authorizes against current state (decision 1: a conversation that left the actor's
// scope is `forbidden_scope`), writes through the colleagues' domain functions where they take a
// transaction (`queueMessageSend`, `markConversationRead`) and returns the changes to log; the
// ledger logs them last, with the mutation's provenance. A refusal is a value: the ledger rolls
// the transaction back and records the rejection.
//
// The conversation workflow writes (status, assign, claim, important, labels) and the contact
// edit are small SQL updates here because the conversation service's `update` opens its own
// transaction and there is no contact service yet; they follow the same rules as
// `PATCH /conversations/:id` (snooze wake-up job, compare-and-set claim, revoke/grant entries).

registerVersionedEntity('note', 'notes');

/** What a mutator needs besides its transaction. */
export type MutatorDeps = { clock: Clock; jobs: Pick<JobQueue, 'enqueue'>; quota?: MonthlyQuota | undefined };

/** One mutation's context: the transaction, the actor with their current role and scope. */
export type MutatorContext = {
  tx: Tx;
  deps: MutatorDeps;
  organizationId: string;
  actor: Principal;
  viewer: Viewer;
  now: Date;
};

/** Work to run once the mutation committed (wake a worker). */
export type AfterCommit = 'send_queued';

/** What an applied mutator returns. */
export type Applied = {
  changes: Change[];
  /** For a replay of an effect that already exists (no changes): the version to confirm at. */
  existingVersion?: number;
  after?: AfterCommit[];
};

/** A mutator's outcome: applied, or a permanent rejection. */
export type MutatorOutcome = { ok: true; value: Applied } | { ok: false; error: MutationError };

const reject = (code: string, message: string): MutatorOutcome => ({ ok: false, error: { code, message } });
const applied = (value: Applied): MutatorOutcome => ({ ok: true, value });

type ConversationRowDb = typeof conversations.$inferSelect;

/**
 * Locks a conversation and checks the actor sees it now (decision 1). Not existing is
 * `not_found`; existing outside the actor's scope is `forbidden_scope`.
 */
async function lockVisible(
  ctx: MutatorContext,
  id: string,
): Promise<{ ok: true; row: ConversationRowDb } | { ok: false; error: MutatorOutcome }> {
  const row = await lockConversation(ctx, id);
  if (!row) return { ok: false, error: reject('not_found', 'This conversation no longer exists.') };
  if (!canSeeConversation(row, ctx.viewer))
    return {
      ok: false,
      error: reject(
        'forbidden_scope',
        'This conversation is no longer assigned to you or your team, so the change was not made.',
      ),
    };
  return { ok: true, row };
}

async function lockConversation(ctx: MutatorContext, id: string): Promise<ConversationRowDb | undefined> {
  const [row] = await ctx.tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.organizationId, ctx.organizationId), eq(conversations.id, id)))
    .for('update');
  return row;
}

const conversationPut = (id: string): Change => ({
  entity: 'conversation',
  entityId: id,
  conversationId: id,
});

async function updateConversation(
  ctx: MutatorContext,
  id: string,
  patch: Partial<typeof conversations.$inferInsert>,
): Promise<void> {
  await ctx.tx
    .update(conversations)
    .set({ ...patch, updatedAt: ctx.now })
    .where(and(eq(conversations.organizationId, ctx.organizationId), eq(conversations.id, id)));
}

/** Assignee and/or team change with its revoke/grant entries. */
async function reassign(
  ctx: MutatorContext,
  row: ConversationRowDb,
  after: { assigneeId: string | null; teamId: string | null },
): Promise<Change[]> {
  const facts = { ...after, ownerId: row.ownerId };
  // Someone chose an assignee: the conversation leaves the auto-assignment queue.
  await updateConversation(ctx, row.id, {
    ...after,
    ...(after.assigneeId !== null && { autoAssignPending: false }),
  });
  const scope = await scopeChangesForConversation(ctx.tx, ctx.organizationId, row.id, row, facts);
  return [conversationPut(row.id), ...scope];
}

type Args<N extends Mutation['name']> = Extract<Mutation, { name: N }>['args'];

/** The mutators, by name. */
export const mutators: {
  [N in Mutation['name']]: (ctx: MutatorContext, args: Args<N>) => Promise<MutatorOutcome>;
} = {
  'message.send': async (ctx, args) => {
    const locked = await lockVisible(ctx, args.conversationId);
    if (!locked.ok) return locked.error;
    const { conversationId, ...body } = args;
    const queued = await queueMessageSend(
      ctx.tx,
      ctx.deps,
      ctx.organizationId,
      ctx.actor,
      conversationId,
      body,
    );
    if (!queued.ok) {
      const e = queued.error;
      // A message id used by another message is the client's bug, not a retryable state.
      return reject(e.code === 'conflict' ? 'invalid' : e.code, e.message);
    }
    if (queued.value.replayed) {
      const [m] = await ctx.tx
        .select({ version: messages.version })
        .from(messages)
        .where(and(eq(messages.organizationId, ctx.organizationId), eq(messages.id, args.id)));
      return applied({ changes: [], existingVersion: m?.version ?? 0 });
    }
    return applied({ changes: queued.value.changes, after: ['send_queued'] });
  },

  'conversation.setStatus': async (ctx, args) => {
    const locked = await lockVisible(ctx, args.conversationId);
    if (!locked.ok) return locked.error;
    const cur = locked.row;
    let until: Date | null = null;
    if (args.status === 'snoozed') {
      until = args.snoozedUntil ? new Date(args.snoozedUntil) : null;
      if (until && until.getTime() <= ctx.now.getTime())
        return reject('invalid', 'The snooze time must be in the future.');
    } else if (args.snoozedUntil) return reject('invalid', 'A snooze time needs the status "snoozed".');
    if (cur.status === args.status && (cur.snoozedUntil?.getTime() ?? null) === (until?.getTime() ?? null))
      return applied({ changes: [], existingVersion: cur.version });
    await updateConversation(ctx, cur.id, { status: args.status, snoozedUntil: until });
    if (until)
      await ctx.deps.jobs.enqueue(ctx.tx, {
        queue: CONVERSATION_WAKE_QUEUE,
        organizationId: ctx.organizationId,
        dedupeKey: `${cur.id}:${until.toISOString()}`,
        payload: { conversationId: cur.id, until: until.toISOString() } satisfies WakePayload,
        runAt: until,
      });
    return applied({ changes: [conversationPut(cur.id)] });
  },

  'conversation.assign': async (ctx, args) => {
    if (!mayAssignAnyone(ctx.viewer.role))
      return reject('forbidden', 'Only managers and admins can assign conversations.');
    const locked = await lockVisible(ctx, args.conversationId);
    if (!locked.ok) return locked.error;
    const cur = locked.row;
    if (args.assigneeId !== null) {
      const [m] = await ctx.tx
        .select({ deactivatedAt: memberships.deactivatedAt })
        .from(memberships)
        .where(
          and(eq(memberships.organizationId, ctx.organizationId), eq(memberships.userId, args.assigneeId)),
        );
      if (!m) return reject('not_found', 'That member is not part of the organization.');
      if (m.deactivatedAt) return reject('invalid', 'That member is deactivated and cannot be assigned.');
    }
    const teamId = args.teamId === undefined ? cur.teamId : args.teamId;
    if (teamId !== null && teamId !== cur.teamId) {
      const [t] = await ctx.tx
        .select({ id: teams.id })
        .from(teams)
        .where(and(eq(teams.organizationId, ctx.organizationId), eq(teams.id, teamId)));
      if (!t) return reject('not_found', 'That team does not exist.');
    }
    if (args.assigneeId === cur.assigneeId && teamId === cur.teamId)
      return applied({ changes: [], existingVersion: cur.version });
    return applied({ changes: await reassign(ctx, cur, { assigneeId: args.assigneeId, teamId }) });
  },

  'conversation.claim': async (ctx, args) => {
    // Compare-and-set on "unassigned": the row lock orders concurrent claims, so the second
    // sees the first one's assignee and loses (before any scope check: the winner's claim is
    // why the conversation left the loser's scope).
    const cur = await lockConversation(ctx, args.conversationId);
    if (!cur) return reject('not_found', 'This conversation no longer exists.');
    const claim = claimOutcome(cur, ctx.viewer);
    if (claim === 'mine') return applied({ changes: [], existingVersion: cur.version });
    if (claim === 'taken') return reject('already_claimed', 'Someone else took this conversation first.');
    if (claim === 'out_of_scope')
      return reject('forbidden_scope', 'This conversation is not in one of your queues.');
    const won = await ctx.tx
      .update(conversations)
      .set({ assigneeId: ctx.actor.userId, autoAssignPending: false, updatedAt: ctx.now })
      .where(
        and(
          eq(conversations.organizationId, ctx.organizationId),
          eq(conversations.id, cur.id),
          isNull(conversations.assigneeId),
        ),
      )
      .returning({ id: conversations.id });
    if (won.length === 0) return reject('already_claimed', 'Someone else took this conversation first.');
    const scope = await scopeChangesForConversation(ctx.tx, ctx.organizationId, cur.id, cur, {
      assigneeId: ctx.actor.userId,
      teamId: cur.teamId,
      ownerId: cur.ownerId,
    });
    return applied({ changes: [conversationPut(cur.id), ...scope] });
  },

  'conversation.setImportant': async (ctx, args) => {
    const locked = await lockVisible(ctx, args.conversationId);
    if (!locked.ok) return locked.error;
    if (locked.row.important === args.important)
      return applied({ changes: [], existingVersion: locked.row.version });
    await updateConversation(ctx, locked.row.id, { important: args.important });
    return applied({ changes: [conversationPut(locked.row.id)] });
  },

  'conversation.setLabels': async (ctx, args) => {
    const locked = await lockVisible(ctx, args.conversationId);
    if (!locked.ok) return locked.error;
    const labels = [...new Set(args.labels)];
    if (JSON.stringify(labels) === JSON.stringify(locked.row.labels))
      return applied({ changes: [], existingVersion: locked.row.version });
    await updateConversation(ctx, locked.row.id, { labels });
    return applied({ changes: [conversationPut(locked.row.id)] });
  },

  'conversation.markRead': async (ctx, args) => {
    const locked = await lockVisible(ctx, args.conversationId);
    if (!locked.ok) return locked.error;
    const cur = locked.row;
    // Nobody reads past the newest message; the marker only ever rises.
    const upTo = Math.min(args.readUpToConvSeq, cur.lastConvSeq);
    const moved = await ctx.tx.execute(sql`
        insert into ${conversationReads} as r (organization_id, conversation_id, user_id, read_up_to_conv_seq, updated_at)
        values (${ctx.organizationId}, ${cur.id}, ${ctx.actor.userId}, ${upTo}, ${ctx.now})
        on conflict (organization_id, conversation_id, user_id) do update
          set read_up_to_conv_seq = greatest(r.read_up_to_conv_seq, excluded.read_up_to_conv_seq),
              marked_unread = false, updated_at = excluded.updated_at
          where r.read_up_to_conv_seq < excluded.read_up_to_conv_seq or r.marked_unread
        returning r.user_id`);
    const changes: Change[] =
      (moved as unknown as { rows: unknown[] }).rows.length > 0 ? [conversationPut(cur.id)] : [];
    const after: AfterCommit[] = [];
    if (upTo >= cur.lastConvSeq && cur.unreadCount > 0) {
      // Everything read: the team's unread count resets and Meta gets one mark-read.
      const read = await markConversationRead(ctx.tx, ctx.deps, ctx.organizationId, {
        id: cur.id,
        whatsappAccountId: cur.whatsappAccountId,
        unreadCount: cur.unreadCount,
      });
      changes.push(...read.changes);
      if (read.wamid) after.push('send_queued');
    }
    if (changes.length === 0) return applied({ changes, existingVersion: cur.version });
    return applied({ changes, after });
  },

  'conversation.markUnread': async (ctx, args) => {
    const locked = await lockVisible(ctx, args.conversationId);
    if (!locked.ok) return locked.error;
    const cur = locked.row;
    // Only this user's flag: the team's unread count and everyone else's projection stay.
    const marked = await ctx.tx.execute(sql`
        insert into ${conversationReads} as r (organization_id, conversation_id, user_id, read_up_to_conv_seq, marked_unread, updated_at)
        values (${ctx.organizationId}, ${cur.id}, ${ctx.actor.userId}, 0, true, ${ctx.now})
        on conflict (organization_id, conversation_id, user_id) do update
          set marked_unread = true, updated_at = excluded.updated_at
          where not r.marked_unread
        returning r.user_id`);
    if ((marked as unknown as { rows: unknown[] }).rows.length === 0)
      return applied({ changes: [], existingVersion: cur.version });
    return applied({ changes: [conversationPut(cur.id)] });
  },

  'note.add': async (ctx, args) => {
    const locked = await lockVisible(ctx, args.conversationId);
    if (!locked.ok) return locked.error;
    const inserted = await ctx.tx
      .insert(notes)
      .values({
        id: args.id,
        organizationId: ctx.organizationId,
        conversationId: args.conversationId,
        authorId: ctx.actor.userId,
        body: args.body,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .onConflictDoNothing()
      .returning({ id: notes.id });
    if (inserted.length === 0) {
      // The id exists: the same note again (idempotent), or an id clash (the client's bug).
      const [n] = await ctx.tx.select().from(notes).where(eq(notes.id, args.id));
      if (n && n.organizationId === ctx.organizationId && n.conversationId === args.conversationId)
        return applied({ changes: [], existingVersion: n.version });
      return reject('invalid', 'This note id is already used.');
    }
    return applied({
      changes: [{ entity: 'note', entityId: args.id, conversationId: args.conversationId }],
    });
  },

  'contact.update': async (ctx, args) => {
    const [contact] = await ctx.tx
      .select()
      .from(contacts)
      .where(and(eq(contacts.organizationId, ctx.organizationId), eq(contacts.id, args.contactId)))
      .for('update');
    if (!contact) return reject('not_found', 'This contact no longer exists.');
    // Managers and admins see every contact: no need to read its conversations.
    if (!seesEverything(ctx.viewer.role)) {
      const refs = await ctx.tx
        .select({
          assigneeId: conversations.assigneeId,
          teamId: conversations.teamId,
          ownerId: conversations.ownerId,
        })
        .from(conversations)
        .where(
          and(eq(conversations.organizationId, ctx.organizationId), eq(conversations.contactId, contact.id)),
        );
      if (!mayEditContactOverSync(refs, ctx.viewer))
        return reject('forbidden_scope', 'None of your conversations is with this contact any more.');
    }
    const p = args.patch;
    const patch: Partial<typeof contacts.$inferInsert> = {};
    if (p.name !== undefined) patch.name = p.name;
    if (p.tags !== undefined) patch.tags = [...new Set(p.tags)];
    if (p.optedOut !== undefined) patch.optedOut = p.optedOut;
    if (p.customAttributes !== undefined) patch.customAttributes = p.customAttributes;
    const changed = Object.entries(patch).some(
      ([k, v]) => JSON.stringify(v) !== JSON.stringify(contact[k as keyof typeof contact] ?? null),
    );
    if (!changed) return applied({ changes: [], existingVersion: contact.version });
    await ctx.tx
      .update(contacts)
      .set({ ...patch, updatedAt: ctx.now })
      .where(and(eq(contacts.organizationId, ctx.organizationId), eq(contacts.id, contact.id)));
    return applied({ changes: [{ entity: 'contact', entityId: contact.id }] });
  },

  ...cannedMutators,
};
