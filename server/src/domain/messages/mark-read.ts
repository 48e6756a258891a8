import { and, eq, sql } from 'drizzle-orm';
import type { AccountCredentials } from '../whatsapp/account-service';
import type { GraphClient } from '../../meta/graph-client';
import { MARK_READ_QUEUE, type MarkReadPayload, type QueueSendDeps } from './send-queue';
import type { Change } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import type { JobHandler, JobOutcome } from '../../storage/job-queue';
import { conversations, messages } from '../../storage/schema/index';

/**
 * Inside `tx` (the caller checked scope): resets `unread_count` and enqueues the mark-read of
 * the latest inbound message that has a wamid and is at most 30 days old. Returns the changes
 * to log (none when nothing changed) and the wamid marked. The conversation PATCH may call this.
 */
export async function markConversationRead(
  tx: Tx,
  deps: QueueSendDeps,
  organizationId: string,
  conversation: { id: string; whatsappAccountId: string; unreadCount: number },
): Promise<{ changes: Change[]; wamid: string | null }> {
  const now = deps.clock.now();
  const changes: Change[] = [];
  if (conversation.unreadCount !== 0) {
    await tx
      .update(conversations)
      .set({ unreadCount: 0, updatedAt: now })
      .where(and(eq(conversations.organizationId, organizationId), eq(conversations.id, conversation.id)));
    changes.push({ entity: 'conversation', entityId: conversation.id, conversationId: conversation.id });
  }
  const [last] = await tx
    .select({ wamid: messages.waMessageId, createdAt: messages.createdAt })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, organizationId),
        eq(messages.conversationId, conversation.id),
        eq(messages.direction, 'inbound'),
        sql`${messages.waMessageId} is not null`,
      ),
    )
    .orderBy(sql`${messages.convSeq} desc`)
    .limit(1);
  if (!last?.wamid || now.getTime() - last.createdAt.getTime() > 30 * 24 * 3600_000)
    return { changes, wamid: null };
  await deps.jobs.enqueue(tx, {
    queue: MARK_READ_QUEUE,
    organizationId,
    dedupeKey: `${conversation.whatsappAccountId}:${last.wamid}`,
    payload: {
      whatsappAccountId: conversation.whatsappAccountId,
      wamid: last.wamid,
    } satisfies MarkReadPayload,
    maxAttempts: 8,
  });
  return { changes, wamid: last.wamid };
}

/**
 * The mark-read job: tells Meta the conversation was read (`markRead` on the latest inbound
 * wamid). A gone or disconnected number fails the job; Meta's non-retryable errors fail it,
 * everything else retries with the worker's backoff — marking read is idempotent, so even an
 * ambiguous failure may be repeated.
 */
export function createMarkReadHandler(deps: {
  graph: Pick<GraphClient, 'markRead'>;
  /** Decrypted credentials of an account (account-service `credentials`). */
  credentials: (organizationId: string, accountId: string) => Promise<AccountCredentials | undefined>;
  backoff: (attempt: number) => number;
}): JobHandler<MarkReadPayload> {
  return async (job): Promise<JobOutcome> => {
    const c = await deps.credentials(job.organizationId!, job.payload.whatsappAccountId);
    if (!c) return { kind: 'fail', error: 'account gone' };
    if (c.status !== 'connected') return { kind: 'fail', error: `account ${c.status}` };
    const r = await deps.graph.markRead(c.phoneNumberId, c.accessToken, job.payload.wamid);
    if (r.ok) return;
    const e = r.error;
    if (e.kind === 'meta' && e.catalog.retry === 'no') return { kind: 'fail', error: e.message };
    return { kind: 'retry', error: e.message, afterMs: deps.backoff(job.attempts) };
  };
}
