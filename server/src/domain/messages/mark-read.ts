import { and, eq, sql } from 'drizzle-orm';
import { MARK_READ_QUEUE, type MarkReadPayload, type QueueSendDeps } from './send-queue';
import type { Change } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
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
