import { and, eq } from 'drizzle-orm';
import type { SendMessageBody, SendToNumberBody } from '#contract/api/messages';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { visibleConversationSql } from '../visibility/queries';
import { notFound } from '../failure';
import { checkMediaUrl, type MediaUrlOptions } from '../media/media-url';
import { markConversationRead } from './mark-read';
import type { SendInput } from './send-content';
import { findSendTarget, resolveSendTarget } from './send-target';
import { queueMessageSend } from './queue-send';
import { batchable } from './send-batch';
import { createIdempotentSends, requestHash, Rollback, type SendResponse } from './send-idempotency';
import type { MonthlyQuota } from './message-quota';
import type { JobQueue } from '../../storage/job-queue';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { conversations } from '../../storage/schema/index';

// The REST side of sending: idempotent sends into a conversation or to a number, and marking a
// conversation read. The checks and the queueing are queue-send.ts (shared with the sync
// mutators); idempotency is send-idempotency.ts.

/** Dependencies of {@link createSendService}. */
export type SendServiceDeps = {
  db: Db;
  clock: Clock;
  jobs: Pick<JobQueue, 'enqueue' | 'enqueueMany'>;
  /** The monthly quota sends count against (issue 10). */
  quota?: MonthlyQuota | undefined;
  /** Called after a transaction that queued work committed (wakes the in-process send worker). */
  onQueued?: () => void;
  /** The SSRF guard of media by URL (ALLOW_PRIVATE_MEDIA_URLS lifts it in tests). */
  mediaUrls?: MediaUrlOptions;
};

/** The REST side of sending: idempotent sends, sends to a number, mark read. */
export type SendService = ReturnType<typeof createSendService>;

/** Creates the send service. */
export function createSendService(deps: SendServiceDeps) {
  const { db, clock } = deps;
  const { run: idempotent, keyOf } = createIdempotentSends(deps);

  return {
    /** `POST /conversations/:id/messages`. */
    send: (
      organizationId: string,
      actor: Principal,
      conversationId: string,
      body: SendMessageBody,
      idempotencyKey?: string,
    ): Promise<Result<SendResponse>> =>
      idempotent(
        organizationId,
        keyOf(idempotencyKey, body),
        requestHash(`conversations/${conversationId}/messages`, actor, body),
        (tx) => queueMessageSend(tx, deps, organizationId, actor, conversationId, body),
        batchable(actor, body) ? { actor, conversationId, body } : undefined,
      ),

    /**
     * `POST /messages`: finds or creates the contact (by WhatsApp id or E.164 number) and the
     * conversation on that number, then sends like {@link queueMessageSend}. A refusal rolls the
     * new contact and conversation back too. An agent's new conversation is assigned to them.
     */
    sendToNumber: async (
      organizationId: string,
      actor: Principal,
      body: SendToNumberBody,
      idempotencyKey?: string,
    ): Promise<Result<SendResponse>> => {
      let input: SendInput;
      if (body.media) {
        // Refused before anything is written: an address Parley must not fetch from.
        const url = await checkMediaUrl(body.media.url, deps.mediaUrls ?? { allowPrivate: false });
        if (!url.ok) return url;
        input = { type: body.media.type, link: body.media };
      } else if (body.message) input = body.message;
      else return fail('invalid_input', 'Give either "message" or "media"');
      // The usual send goes to an existing conversation: found here, side by side with other
      // sends on the pool, so that inside the organization's group transaction only the send's
      // own locked checks and writes remain.
      const known = await findSendTarget(db, organizationId, actor, body);
      return idempotent(
        organizationId,
        keyOf(idempotencyKey, input),
        requestHash('messages', actor, body),
        async (tx) => {
          if (known !== null) {
            // Every check runs again under the conversation's lock; a refusal writes nothing,
            // and the full path below then gives the answer it always gave.
            const outcome = await queueMessageSend(tx, deps, organizationId, actor, known, input);
            if (outcome.ok) return outcome;
          }
          const target = await resolveSendTarget(tx, organizationId, actor, body, clock.now());
          if (!target.ok) return target;
          const { conversationId: convId, extra } = target.value;
          // A refusal rolls the new contact and conversation back with everything else.
          const outcome = await queueMessageSend(tx, deps, organizationId, actor, convId, input);
          return outcome.ok ? ok({ ...outcome.value, extraChanges: extra }) : outcome;
        },
        // Batched with the group's other sends when it can be (send-batch.ts); when the batch
        // hands it back, the step above gives the answer.
        known !== null && batchable(actor, input) ? { actor, conversationId: known, body: input } : undefined,
      );
    },

    /**
     * `POST /conversations/:id/read`: the team has read the conversation. Resets the unread
     * count and queues one Graph `markRead` for the latest inbound message (deduplicated by its
     * wamid; Meta marks earlier messages read with it, and only within 30 days).
     */
    markRead: async (
      organizationId: string,
      actor: Principal,
      conversationId: string,
    ): Promise<Result<{ wamid: string | null }>> => {
      try {
        return await db
          .transaction(async (tx) => {
            const [conv] = await tx
              .select({
                unreadCount: conversations.unreadCount,
                whatsappAccountId: conversations.whatsappAccountId,
              })
              .from(conversations)
              .where(
                and(
                  eq(conversations.organizationId, organizationId),
                  eq(conversations.id, conversationId),
                  visibleConversationSql(organizationId, actor),
                ),
              )
              .for('update');
            if (!conv) throw new Rollback(conversationNotFound());
            const result = await markConversationRead(tx, { clock, jobs: deps.jobs }, organizationId, {
              id: conversationId,
              whatsappAccountId: conv.whatsappAccountId,
              unreadCount: conv.unreadCount,
            });
            await recordChanges(tx, organizationId, result.changes);
            return ok({ wamid: result.wamid });
          })
          .then((r) => {
            if (r.ok && r.value.wamid) deps.onQueued?.();
            return r;
          });
      } catch (e) {
        if (e instanceof Rollback && !('replayOf' in e.outcome)) return e.outcome;
        throw e;
      }
    },
  };
}

const conversationNotFound = () => notFound('Conversation');
