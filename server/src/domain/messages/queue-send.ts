import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Message } from '#contract/api/messages';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import { visibleConversationSql } from '../visibility/queries';
import { notFound } from '../failure';
import { toMessage } from './message-content';
import { MEDIA_URL_MAX_ATTEMPTS, MEDIA_URL_QUEUE, type MediaUrlPayload } from '../media/media-url-job';
import { consumeQuota } from './message-quota';
import { mediaById, messageInConversation, sendColumns, type SendInput } from './send-content';
import { lastOutboundFields, lockSendContexts, outboundMessageRow, sendRefusal } from './send-context';
import { sendJobOf, type QueueSendDeps } from './send-queue';
import type { Change } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import { conversations, media, messages, reactions } from '../../storage/schema/index';

// The outbound half of issue #4, up to the queue: every check a send must pass happens here,
// before anything is written, and a send that passes is ONE transaction — the message (queued,
// next conv_seq, authored by the actor), the conversation's last-message fields, a send job on
// the account's queue ordered by conversation, and the change log last. The send worker
// (jobs/send-worker.ts) takes it from there; the type-specific checks are send-content.ts.

/** A queued (or replayed) send. */
export type QueuedSend = {
  message: Message;
  /** Changes to log with `recordChanges` as the transaction's last statement (empty on replay). */
  changes: Change[];
  /** True when `body.id` named a message that already exists: nothing was written. */
  replayed: boolean;
};

export type { SendInput } from './send-content';

const conversationNotFound = () => notFound('Conversation');

/**
 * Validates a send and queues it inside `tx` (sync-protocol §2.7 `message.send`, and the REST
 * send routes). Every check runs before the first write, so a refusal writes nothing:
 * conversation in the actor's organization and scope (else 404), account connected, contact not
 * opted out, the 24-hour window for anything but a template, the template (approved, parameters),
 * media (exists in the organization, ready, type and size within WhatsApp's limits), reply and
 * reaction targets in the same conversation.
 *
 * `body.id` is the message id (client-generated UUIDv7); when a message with that id exists in
 * the same conversation, it is returned as a replay and nothing is written; in another
 * conversation or organization the id is refused (409).
 *
 * The caller MUST log `changes` with `recordChanges(tx, organizationId, changes)` as the last
 * statement of the transaction (adding its own provenance: clientId, mutationId).
 */
export async function queueMessageSend(
  tx: Tx,
  deps: QueueSendDeps,
  organizationId: string,
  actor: Principal,
  conversationId: string,
  body: SendInput,
  /** `asOrganization`: an automatic message (the away message): no author, no key. */
  opts: { asOrganization?: boolean } = {},
): Promise<Result<QueuedSend>> {
  const now = deps.clock.now();

  if (body.id) {
    const [existing] = await tx.select().from(messages).where(eq(messages.id, body.id));
    if (existing) {
      if (existing.organizationId !== organizationId || existing.conversationId !== conversationId)
        return fail('conflict', 'This message id is already used by another message');
      const [conv] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.organizationId, organizationId),
            eq(conversations.id, conversationId),
            visibleConversationSql(organizationId, actor),
          ),
        );
      if (!conv) return conversationNotFound();
      const mediaRow = existing.mediaId ? await mediaById(tx, organizationId, existing.mediaId) : null;
      return ok({ message: toMessage(existing, { media: mediaRow }), changes: [], replayed: true });
    }
  }

  // The conversation row is locked: conv_seq allocation and the window check see one state.
  const [ctx] = await lockSendContexts(tx, organizationId, actor, [conversationId]);
  if (!ctx) return conversationNotFound();
  const refused = sendRefusal(ctx, body, now);
  if (refused) return refused;
  const { account } = ctx;

  // Reply context: a message of this conversation (its wamid is looked up at send time).
  if ('replyToMessageId' in body && body.replyToMessageId) {
    const target = await messageInConversation(tx, organizationId, conversationId, body.replyToMessageId);
    if (!target)
      return fail('unprocessable', 'The message you reply to is not part of this conversation.', {
        fields: [{ path: 'body.replyToMessageId', message: 'Not a message of this conversation' }],
      });
  }

  // Type-specific checks; each yields the message columns.
  const columns = await sendColumns(tx, organizationId, conversationId, account.id, body);
  if (!columns.ok) return columns;
  const { text, caption, preview, reactionTarget, linkMedia } = columns.value;
  let { content, media: mediaRow } = columns.value;
  // A key's sends carry its name as it is now: the thread says "via API key ‹name›" for good.
  if (actor.apiKey && !opts.asOrganization) content = { ...content, apiKeyName: actor.apiKey.name };

  // The monthly quota: counted by the first write, which writes nothing when it refuses.
  if (deps.quota) {
    const counted = await consumeQuota(tx, deps.quota, organizationId, now);
    if (!counted.ok) return counted;
  }

  // ---- writes (nothing above wrote) ----
  const messageId = body.id ?? randomUUID();
  if (linkMedia) {
    // Parley's copy of media sent by URL: pending until the copy job fetches it; the send goes
    // to Meta with the link and does not wait for it.
    const [created] = await tx
      .insert(media)
      .values({
        organizationId,
        mimeType: linkMedia.mimeType,
        fileName: linkMedia.fileName,
        source: 'upload',
        state: 'pending',
        whatsappAccountId: account.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    mediaRow = created!;
    await deps.jobs.enqueue(tx, {
      queue: MEDIA_URL_QUEUE,
      organizationId,
      dedupeKey: mediaRow.id,
      payload: { mediaId: mediaRow.id, url: linkMedia.url, type: linkMedia.type } satisfies MediaUrlPayload,
      maxAttempts: MEDIA_URL_MAX_ATTEMPTS,
      runAt: now,
    });
  }
  const isReaction = body.type === 'reaction';
  const [seq] = await tx
    .update(conversations)
    .set({
      lastConvSeq: sql`${conversations.lastConvSeq} + 1`,
      updatedAt: now,
      // A reaction shows on its target, not as the conversation's latest message.
      ...(!isReaction && lastOutboundFields(messageId, preview, body.type, now)),
    })
    .where(and(eq(conversations.organizationId, organizationId), eq(conversations.id, conversationId)))
    .returning({ convSeq: conversations.lastConvSeq });
  const [row] = await tx
    .insert(messages)
    .values(
      outboundMessageRow(actor, {
        id: messageId,
        organizationId,
        conversationId,
        convSeq: seq!.convSeq,
        body,
        text,
        caption,
        content,
        mediaId: mediaRow?.id ?? null,
        asOrganization: opts.asOrganization,
        now,
      }),
    )
    .returning();
  const changes: Change[] = [
    { entity: 'message', entityId: messageId, conversationId },
    { entity: 'conversation', entityId: conversationId, conversationId },
  ];
  if (reactionTarget && body.type === 'reaction') {
    // The agent's reaction shows on the target at once (one per agent per message; '' removes it).
    const [r] = await tx
      .insert(reactions)
      .values({
        organizationId,
        messageId: reactionTarget.id,
        conversationId,
        reactor: actor.userId,
        emoji: body.emoji || null,
        reactedAt: now,
      })
      .onConflictDoUpdate({
        target: [reactions.organizationId, reactions.messageId, reactions.reactor],
        set: { emoji: body.emoji || null, reactedAt: now, waMessageId: null },
      })
      .returning({ id: reactions.id });
    changes.push({ entity: 'reaction', entityId: r!.id, conversationId });
  }
  await deps.jobs.enqueue(
    tx,
    sendJobOf({ organizationId, accountId: account.id, conversationId, messageId }, now),
  );
  return ok({ message: toMessage(row!, { media: mediaRow }), changes, replayed: false });
}
