import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Principal } from '../auth/auth-service';
import { seesEverything } from '../visibility/rule';
import { toMessage } from './message-content';
import { consumeQuota, type MonthlyQuota } from './message-quota';
import type { QueuedSend } from './queue-send';
import { messageInConversation, sendColumns, type SendColumns, type SendInput } from './send-content';
import {
  lastOutboundFields,
  lockSendContexts,
  outboundMessageRow,
  sendRefusal,
  type SendContext,
} from './send-context';
import { sendJobOf } from './send-queue';
import type { Clock } from '../../lib/clock';
import type { Change } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import type { JobQueue } from '../../storage/job-queue';
import { conversations, messages } from '../../storage/schema/index';

// A group of REST sends queued in a fixed number of statements (issue 10, `api-send`). One at a
// time (queue-send.ts), a send costs six statements inside its group's transaction — a savepoint,
// its conversation locked and read, the quota, the conversation, the message, the job — and the
// group's sends run them one after another on one connection, so an organization's accepted sends
// per second were bounded by round trips (134/s here at ~1.3 ms each). Here the whole group locks
// its conversations in one statement, runs every check in memory (or with the reads its type
// needs), and writes with one statement per table: quota, conversations, messages, jobs.
//
// Only the plain case is batched: an existing conversation, an actor who sees every conversation
// (API keys, managers, admins: one lock statement serves all), no client message id (a replay
// check), no media by URL and no reaction (they write rows of their own). A send that any check
// refuses is not answered here: it is handed back (null) and runs alone in its savepoint after the
// batch, where the one-at-a-time path gives exactly the answer it always gave. When the batch
// cannot be kept whole (the quota has room for only some of it), it throws BatchDeclined and the
// group runs one at a time instead.

/** A send the batch may take. */
export type BatchSend = { actor: Principal; conversationId: string; body: SendInput };

/** The batch cannot be kept whole: run its group one send at a time. */
export class BatchDeclined extends Error {
  constructor(why: string) {
    super(`send batch declined: ${why}`);
  }
}

/** What queueing a batch needs. */
export type SendBatchDeps = {
  clock: Clock;
  jobs: Pick<JobQueue, 'enqueueMany'>;
  quota?: MonthlyQuota | undefined;
};

/** Whether a send of this shape may go in a batch (see the file's comment). */
export const batchable = (actor: Principal, body: SendInput): boolean =>
  seesEverything(actor.role) && !body.id && !('link' in body) && body.type !== 'reaction';

type Planned = { i: number; ctx: SendContext; send: BatchSend; columns: SendColumns };

/**
 * Queues `sends` (each {@link batchable}) in `tx`. Returns, per send, what
 * {@link queueMessageSend} would have (its changes to log last), or null for a send left to the
 * one-at-a-time path. Throws {@link BatchDeclined} when the group must run one at a time.
 */
export async function queueSendBatch(
  tx: Tx,
  deps: SendBatchDeps,
  organizationId: string,
  sends: readonly BatchSend[],
): Promise<(QueuedSend | null)[]> {
  const out: (QueuedSend | null)[] = sends.map(() => null);
  if (sends.length === 0) return out;
  if (!sends.every((s) => batchable(s.actor, s.body))) throw new BatchDeclined('a send is not batchable');
  const now = deps.clock.now();
  const ids = [...new Set(sends.map((s) => s.conversationId))];
  // Every actor here sees every conversation, so one actor's visibility serves all.
  const locked = await lockSendContexts(tx, organizationId, sends[0]!.actor, ids);
  const contexts = new Map(locked.map((c) => [c.conversation.id, c]));

  const planned: Planned[] = [];
  for (const [i, send] of sends.entries()) {
    const ctx = contexts.get(send.conversationId);
    if (!ctx || sendRefusal(ctx, send.body, now)) continue;
    const { body } = send;
    if (
      'replyToMessageId' in body &&
      body.replyToMessageId &&
      !(await messageInConversation(tx, organizationId, send.conversationId, body.replyToMessageId))
    )
      continue;
    const columns = await sendColumns(tx, organizationId, send.conversationId, ctx.account.id, body);
    if (!columns.ok || columns.value.linkMedia || columns.value.reactionTarget) continue;
    planned.push({ i, ctx, send, columns: columns.value });
  }
  if (planned.length === 0) return out;

  if (deps.quota) {
    const counted = await consumeQuota(tx, deps.quota, organizationId, now, planned.length);
    if (!counted.ok) throw new BatchDeclined('the monthly quota has room for only part of the group');
  }

  // conv_seq: the next numbers of each conversation, in the group's order (its row is locked).
  const nextSeq = new Map(locked.map((c) => [c.conversation.id, c.conversation.lastConvSeq]));
  const rows = planned.map((p) => {
    const seq = nextSeq.get(p.send.conversationId)! + 1;
    nextSeq.set(p.send.conversationId, seq);
    const { text, caption, media } = p.columns;
    let { content } = p.columns;
    // A key's sends carry its name as it is now: the thread says "via API key ‹name›" for good.
    if (p.send.actor.apiKey) content = { ...content, apiKeyName: p.send.actor.apiKey.name };
    return outboundMessageRow(p.send.actor, {
      id: randomUUID(),
      organizationId,
      conversationId: p.send.conversationId,
      convSeq: seq,
      body: p.send.body,
      text,
      caption,
      content,
      mediaId: media?.id ?? null,
      now,
    });
  });

  // Each conversation once: its new conv_seq and its last message (the group's last to it).
  const last = new Map<string, { id: string; seq: number; mid: string; preview: string; type: string }>();
  planned.forEach((p, k) => {
    const r = rows[k]!;
    last.set(p.send.conversationId, {
      id: p.send.conversationId,
      seq: r.convSeq,
      mid: r.id!,
      preview: p.columns.preview,
      type: p.send.body.type,
    });
  });
  await tx
    .update(conversations)
    .set({
      lastConvSeq: sql`v.seq`,
      updatedAt: now,
      ...lastOutboundFields(sql`v.mid`, sql`v.preview`, sql`v.type`, now),
    })
    .from(
      sql`json_to_recordset(${JSON.stringify([...last.values()])}::json) as v(id uuid, seq bigint, mid uuid, preview text, type text)`,
    )
    .where(and(eq(conversations.organizationId, organizationId), eq(conversations.id, sql`v.id`)));

  const inserted = await tx.insert(messages).values(rows).returning();
  const byId = new Map(inserted.map((r) => [r.id, r]));
  await deps.jobs.enqueueMany(
    tx,
    planned.map((p, k) =>
      sendJobOf(
        {
          organizationId,
          accountId: p.ctx.account.id,
          conversationId: p.send.conversationId,
          messageId: rows[k]!.id!,
        },
        now,
      ),
    ),
  );
  planned.forEach((p, k) => {
    const id = rows[k]!.id!;
    const conversationId = p.send.conversationId;
    const changes: Change[] = [
      { entity: 'message', entityId: id, conversationId },
      { entity: 'conversation', entityId: conversationId, conversationId },
    ];
    out[p.i] = { message: toMessage(byId.get(id)!, { media: p.columns.media }), changes, replayed: false };
  });
  return out;
}
