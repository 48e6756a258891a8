import { createHash, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Message, SendMessageBody, SendToNumberBody } from '#contract/api/messages';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { visibleTo } from '../conversations/conversation-scope';
import { notFound } from '../failure';
import { mediaProblem } from '../media/media-limits';
import { toMessage, type MessageContent } from './message-content';
import { checkTemplate } from './template-rules';
import type { JobQueue } from '../../storage/job-queue';
import { recordChanges, rowsOf, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import {
  contacts,
  conversations,
  idempotencyKeys,
  media,
  messages,
  reactions,
  templates,
  whatsappAccounts,
} from '../../storage/schema/index';

// The outbound half of issue #4, up to the queue: every check a send must pass happens here,
// before anything is written, and a send that passes is ONE transaction — the message (queued,
// next conv_seq, authored by the actor), the conversation's last-message fields, a send job on
// the account's queue ordered by conversation, and the change log last. The send worker
// (jobs/send-worker.ts) takes it from there.

/** The queue of an account's send jobs: one queue per number, so one process can own its pacing. */
export const SEND_QUEUE_PREFIX = 'send:';
/** The send queue of a WhatsApp account. */
export const sendQueueOf = (whatsappAccountId: string): string => `${SEND_QUEUE_PREFIX}${whatsappAccountId}`;

/** Payload of a send job. */
export type SendJobPayload = { messageId: string };

/** Attempts a send job gets for transient failures (130429, 5xx, network…) before it fails. */
export const SEND_MAX_ATTEMPTS = 10;

/** Queue of the mark-read calls (deduplicated by wamid). */
export const MARK_READ_QUEUE = 'mark_read';
/** Payload of a mark-read job. */
export type MarkReadPayload = { whatsappAccountId: string; wamid: string };

/** What {@link queueMessageSend} needs. */
export type QueueSendDeps = { clock: Clock; jobs: Pick<JobQueue, 'enqueue'> };

/** A queued (or replayed) send. */
export type QueuedSend = {
  message: Message;
  /** Changes to log with `recordChanges` as the transaction's last statement (empty on replay). */
  changes: Change[];
  /** True when `body.id` named a message that already exists: nothing was written. */
  replayed: boolean;
};

/** The outbound message body (`SendMessageBody`), with the client's id when it sent one. */
export type SendInput = SendMessageBody;

const MEDIA_LABEL = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  sticker: 'Sticker',
};
const clip = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const fmt = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

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
            visibleTo(organizationId, actor),
          ),
        );
      if (!conv) return conversationNotFound();
      const mediaRow = existing.mediaId ? await mediaById(tx, organizationId, existing.mediaId) : null;
      return ok({ message: toMessage(existing, { media: mediaRow }), changes: [], replayed: true });
    }
  }

  // The conversation row is locked: conv_seq allocation and the window check see one state.
  const [ctx] = await tx
    .select({
      conversation: conversations,
      contact: {
        id: contacts.id,
        name: contacts.name,
        profileName: contacts.profileName,
        optedOut: contacts.optedOut,
        phoneE164: contacts.phoneE164,
        waId: contacts.waId,
        bsuid: contacts.bsuid,
      },
      account: {
        id: whatsappAccounts.id,
        name: whatsappAccounts.name,
        status: whatsappAccounts.status,
        statusReason: whatsappAccounts.statusReason,
      },
    })
    .from(conversations)
    .innerJoin(
      contacts,
      and(
        eq(contacts.organizationId, conversations.organizationId),
        eq(contacts.id, conversations.contactId),
      ),
    )
    .innerJoin(
      whatsappAccounts,
      and(
        eq(whatsappAccounts.organizationId, conversations.organizationId),
        eq(whatsappAccounts.id, conversations.whatsappAccountId),
      ),
    )
    .where(
      and(
        eq(conversations.organizationId, organizationId),
        eq(conversations.id, conversationId),
        visibleTo(organizationId, actor),
      ),
    )
    .for('update', { of: conversations });
  if (!ctx) return conversationNotFound();
  const { conversation, contact, account } = ctx;

  if (account.status === 'token_invalid')
    return fail(
      'meta_token_invalid',
      `WhatsApp rejected the access token of “${account.name}”. An admin needs to reconnect the number before messages can be sent.`,
    );
  if (account.status !== 'connected')
    return fail(
      'unprocessable',
      `The WhatsApp number “${account.name}” is disconnected; messages cannot be sent from it.`,
    );
  const who = contact.name ?? contact.profileName ?? contact.phoneE164 ?? 'This contact';
  if (contact.optedOut)
    return fail('opted_out', `${who} asked not to receive WhatsApp messages from you (opted out).`);
  if (!contact.phoneE164 && !contact.waId && !contact.bsuid)
    return fail('unprocessable', `${who} has no WhatsApp number or id to send to.`);

  if (body.type !== 'template') {
    const closes = conversation.windowExpiresAt;
    if (!closes)
      return fail(
        'window_closed',
        'The customer has not written to this number yet, so the 24-hour reply window is not open; send an approved template.',
        { windowExpiresAt: null },
      );
    if (closes.getTime() <= now.getTime())
      return fail(
        'window_closed',
        `The 24-hour reply window closed at ${fmt(closes)}; send an approved template.`,
        { windowExpiresAt: closes.toISOString() },
      );
  }

  // Reply context: a message of this conversation (its wamid is looked up at send time).
  if ('replyToMessageId' in body && body.replyToMessageId) {
    const target = await messageInConversation(tx, organizationId, conversationId, body.replyToMessageId);
    if (!target)
      return fail('unprocessable', 'The message you reply to is not part of this conversation.', {
        fields: [{ path: 'body.replyToMessageId', message: 'Not a message of this conversation' }],
      });
  }

  // Type-specific checks; each yields the message columns.
  let text: string | null = null;
  let caption: string | null = null;
  let content: MessageContent | null = null;
  let mediaRow: MediaRow | null = null;
  let preview: string;
  let reactionTarget: { id: string } | null = null;
  switch (body.type) {
    case 'text':
      text = body.text;
      preview = clip(body.text);
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      if (body.caption !== undefined && (body.type === 'audio' || body.type === 'sticker'))
        return fail('invalid_input', 'Audio messages and stickers cannot have a caption on WhatsApp.', {
          fields: [{ path: 'body.caption', message: `A ${body.type} cannot have a caption` }],
        });
      if (body.fileName !== undefined && body.type !== 'document')
        return fail('invalid_input', 'Only documents carry a file name.', {
          fields: [{ path: 'body.fileName', message: 'Only documents carry a file name' }],
        });
      const checked = await usableMedia(tx, organizationId, body.mediaId, body.type, 'body.mediaId');
      if (!checked.ok) return checked;
      mediaRow = checked.value;
      caption = body.caption ?? null;
      if (body.fileName) content = { media: { fileName: body.fileName } };
      const label =
        body.fileName ?? (body.type === 'document' ? mediaRow.fileName : null) ?? MEDIA_LABEL[body.type];
      preview = clip(caption ? `${label}: ${caption}` : label);
      break;
    }
    case 'location':
      content = { location: body.location };
      preview = clip(body.location.name ? `Location: ${body.location.name}` : 'Location');
      break;
    case 'reaction': {
      const target = await messageInConversation(tx, organizationId, conversationId, body.messageId);
      if (!target || target.type === 'reaction')
        return fail('unprocessable', 'You can only react to a message of this conversation.', {
          fields: [{ path: 'body.messageId', message: 'Not a message of this conversation' }],
        });
      reactionTarget = target;
      content = { reaction: { messageId: body.messageId, emoji: body.emoji || null } };
      preview = body.emoji ? `Reacted ${body.emoji}` : 'Removed a reaction';
      break;
    }
    case 'template': {
      const [tpl] = await tx
        .select()
        .from(templates)
        .where(
          and(
            eq(templates.organizationId, organizationId),
            eq(templates.whatsappAccountId, account.id),
            eq(templates.name, body.templateName),
            eq(templates.language, body.language),
          ),
        );
      if (!tpl)
        return fail(
          'invalid_template',
          `There is no template “${body.templateName}” in ${body.language} for this number. Sync templates or choose another.`,
          {
            fields: [{ path: 'body.templateName', message: 'Unknown template for this number and language' }],
          },
        );
      const checked = checkTemplate(tpl, body.parameters);
      if (!checked.ok) return checked;
      const hm = checked.value.headerMedia;
      if (hm) {
        const m = await usableMedia(
          tx,
          organizationId,
          hm.mediaId,
          hm.type,
          'body.parameters.header.mediaId',
        );
        if (!m.ok)
          return m.error.code === 'not_found'
            ? m
            : { ok: false, error: { ...m.error, code: 'invalid_template' } };
        mediaRow = m.value;
      }
      const renderedBody = checked.value.renderedBody;
      content = {
        template: {
          name: body.templateName,
          language: body.language,
          parameters: body.parameters,
          renderedBody,
        },
      };
      text = renderedBody;
      preview = clip(renderedBody ?? body.templateName);
      break;
    }
  }

  // ---- writes (nothing above wrote) ----
  const messageId = body.id ?? randomUUID();
  const isReaction = body.type === 'reaction';
  const [seq] = await tx
    .update(conversations)
    .set({
      lastConvSeq: sql`${conversations.lastConvSeq} + 1`,
      updatedAt: now,
      // A reaction shows on its target, not as the conversation's latest message.
      ...(!isReaction && {
        lastMessageAt: now,
        lastMessageId: messageId,
        lastMessagePreview: preview,
        lastMessageType: body.type,
        lastMessageDirection: 'outbound' as const,
        lastMessageStatus: 'queued' as const,
      }),
    })
    .where(and(eq(conversations.organizationId, organizationId), eq(conversations.id, conversationId)))
    .returning({ convSeq: conversations.lastConvSeq });
  const [row] = await tx
    .insert(messages)
    .values({
      id: messageId,
      organizationId,
      conversationId,
      convSeq: seq!.convSeq,
      direction: 'outbound',
      type: body.type,
      authorId: actor.userId,
      text,
      caption,
      content,
      mediaId: mediaRow?.id ?? null,
      replyToMessageId: ('replyToMessageId' in body && body.replyToMessageId) || null,
      status: 'queued',
      statusAt: now,
      createdAt: now,
      updatedAt: now,
    })
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
  await deps.jobs.enqueue(tx, {
    queue: sendQueueOf(account.id),
    organizationId,
    orderingKey: conversationId,
    payload: { messageId } satisfies SendJobPayload,
    maxAttempts: SEND_MAX_ATTEMPTS,
    runAt: now,
  });
  return ok({ message: toMessage(row!, { media: mediaRow }), changes, replayed: false });
}

type MediaRow = typeof media.$inferSelect;

const mediaById = async (tx: Db | Tx, organizationId: string, id: string): Promise<MediaRow | null> =>
  (
    await tx
      .select()
      .from(media)
      .where(and(eq(media.organizationId, organizationId), eq(media.id, id)))
  )[0] ?? null;

/** A media row of the organization that WhatsApp accepts as `type`. */
async function usableMedia(
  tx: Tx,
  organizationId: string,
  mediaId: string,
  type: 'image' | 'video' | 'audio' | 'document' | 'sticker',
  path: string,
): Promise<Result<MediaRow>> {
  const row = await mediaById(tx, organizationId, mediaId);
  if (!row) return fail('not_found', 'Media not found', { fields: [{ path, message: 'Unknown media id' }] });
  if (row.state !== 'ready' || !row.storageKey)
    return fail(
      'unprocessable',
      'This file is not available (still downloading or failed); upload it again.',
      {
        fields: [{ path, message: 'Media not ready' }],
      },
    );
  const problem = mediaProblem(type, { mimeType: row.mimeType, size: row.size });
  if (problem)
    return fail('unprocessable', problem.message, { fields: [{ path, message: problem.message }] });
  return ok(row);
}

async function messageInConversation(
  tx: Tx,
  organizationId: string,
  conversationId: string,
  id: string,
): Promise<{ id: string; type: string } | undefined> {
  const [row] = await tx
    .select({ id: messages.id, type: messages.type })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, organizationId),
        eq(messages.conversationId, conversationId),
        eq(messages.id, id),
      ),
    );
  return row;
}

// ---------------------------------------------------------------------------------------------
// REST: idempotency, send to a number, mark read.

/** Idempotency keys are kept (and honoured) at least this long (quality bar 5.2.4). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** A send answered by the REST routes. */
export type SendResponse = { message: Message; replayed: boolean };

/** A transaction's outcome that must roll back (a refusal after a write, or a lost key race). */
class Rollback extends Error {
  constructor(readonly outcome: Result<never> | { replayOf: string }) {
    super('rollback');
  }
}

/** Canonical JSON (sorted keys) for request hashing. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** The hash an idempotency key is bound to: route, caller and body. */
export const requestHash = (route: string, actor: Principal, body: unknown): string =>
  createHash('sha256')
    .update(canonical({ route, user: actor.userId, body }))
    .digest('hex');

/** Dependencies of {@link createSendService}. */
export type SendServiceDeps = {
  db: Db;
  clock: Clock;
  jobs: Pick<JobQueue, 'enqueue'>;
  /** Called after a transaction that queued work committed (wakes the in-process send worker). */
  onQueued?: () => void;
};

/** The REST side of sending: idempotent sends, sends to a number, mark read. */
export type SendService = ReturnType<typeof createSendService>;

/** Creates the send service. */
export function createSendService(deps: SendServiceDeps) {
  const { db, clock } = deps;

  /** The stored first result of `key`, a conflict when the request differs, or null (unused key). */
  const storedResult = async (
    exec: Db | Tx,
    organizationId: string,
    key: string,
    hash: string,
  ): Promise<Result<SendResponse> | null> => {
    const cutoff = new Date(clock.now().getTime() - IDEMPOTENCY_TTL_MS);
    const [row] = await exec
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key)));
    if (!row || row.createdAt < cutoff) return null;
    if (row.requestHash !== hash)
      return fail('conflict', 'This Idempotency-Key was already used with a different request.');
    return ok({ message: row.response as Message, replayed: true });
  };

  /**
   * Runs `run` in a transaction under an idempotency key: a repeated key returns the stored first
   * result (or 409 when the request differs); a new key stores the result in the same transaction
   * as the writes, then the change log is recorded last. Refusals store nothing.
   */
  const idempotent = async (
    organizationId: string,
    key: string | null,
    hash: string,
    run: (tx: Tx) => Promise<Result<QueuedSend & { extraChanges?: Change[] }>>,
  ): Promise<Result<SendResponse>> => {
    if (key) {
      const stored = await storedResult(db, organizationId, key, hash);
      if (stored) return stored;
    }
    try {
      return await db
        .transaction(async (tx) => {
          const outcome = await run(tx);
          if (!outcome.ok) throw new Rollback(outcome);
          const { message, changes, replayed, extraChanges = [] } = outcome.value;
          if (key && !replayed) {
            const now = clock.now();
            const cutoff = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
            const stored = rowsOf(
              await tx.execute(sql`
              insert into idempotency_keys (organization_id, key, request_hash, status_code, response, created_at)
              values (${organizationId}, ${key}, ${hash}, 202, ${JSON.stringify(message)}::jsonb, ${now})
              on conflict (organization_id, key) do update set request_hash = excluded.request_hash,
                status_code = excluded.status_code, response = excluded.response, created_at = excluded.created_at
              where idempotency_keys.created_at < ${cutoff}
              returning key`),
            );
            // A concurrent request with the same key committed first: ours rolls back, theirs answers.
            if (stored.length === 0) throw new Rollback({ replayOf: key });
          }
          await recordChanges(tx, organizationId, [...extraChanges, ...changes]);
          return ok({ message, replayed });
        })
        .then((r) => {
          if (r.ok && !r.value.replayed) deps.onQueued?.();
          return r;
        });
    } catch (e) {
      if (e instanceof Rollback) {
        if ('replayOf' in e.outcome) {
          const stored = await storedResult(db, organizationId, e.outcome.replayOf, hash);
          if (stored) return stored;
          return fail('conflict', 'A request with this Idempotency-Key is in progress; retry in a moment.');
        }
        return e.outcome;
      }
      // Two first sends of one client message id raced: the loser answers with the winner's message.
      if (isUniqueViolation(e) && key) {
        const stored = await storedResult(db, organizationId, key, hash);
        if (stored) return stored;
      }
      throw e;
    }
  };

  /** The key a send is deduplicated by: the header, else the client's message id. */
  const keyOf = (header: string | undefined, body: { id?: string | undefined }) =>
    header ? `key:${header}` : body.id ? `message:${body.id}` : null;

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
      ),

    /**
     * `POST /messages`: finds or creates the contact (by WhatsApp id or E.164 number) and the
     * conversation on that number, then sends like {@link queueMessageSend}. A refusal rolls the
     * new contact and conversation back too. An agent's new conversation is assigned to them.
     */
    sendToNumber: (
      organizationId: string,
      actor: Principal,
      body: SendToNumberBody,
      idempotencyKey?: string,
    ): Promise<Result<SendResponse>> =>
      idempotent(
        organizationId,
        keyOf(idempotencyKey, body.message),
        requestHash('messages', actor, body),
        async (tx) => {
          const now = clock.now();
          const [account] = await tx
            .select({ id: whatsappAccounts.id })
            .from(whatsappAccounts)
            .where(
              and(
                eq(whatsappAccounts.organizationId, organizationId),
                eq(whatsappAccounts.id, body.whatsappAccountId),
              ),
            );
          if (!account) return notFound('WhatsApp account');
          const digits = body.to.replace(/\D/g, '');
          const phone = `+${digits}`;
          const extra: Change[] = [];
          // Serialises concurrent first sends to one number (no duplicate contacts).
          await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${organizationId}:${digits}`}))`);
          let [contact] = await tx
            .select({ id: contacts.id })
            .from(contacts)
            .where(
              and(
                eq(contacts.organizationId, organizationId),
                sql`(${contacts.waId} = ${digits} or ${contacts.phoneE164} = ${phone})`,
              ),
            )
            .orderBy(sql`${contacts.waId} = ${digits} desc nulls last`, contacts.createdAt)
            .limit(1);
          if (!contact) {
            [contact] = await tx
              .insert(contacts)
              .values({ organizationId, phoneE164: phone, createdAt: now, updatedAt: now })
              .returning({ id: contacts.id });
            extra.push({ entity: 'contact', entityId: contact!.id });
          }
          const where = and(
            eq(conversations.organizationId, organizationId),
            eq(conversations.whatsappAccountId, account.id),
            eq(conversations.contactId, contact!.id),
          );
          let [conv] = await tx.select({ id: conversations.id }).from(conversations).where(where);
          if (!conv) {
            [conv] = await tx
              .insert(conversations)
              .values({
                organizationId,
                whatsappAccountId: account.id,
                contactId: contact!.id,
                assigneeId: atLeast(actor.role, 'manager') ? null : actor.userId,
                createdAt: now,
                updatedAt: now,
              })
              .returning({ id: conversations.id });
            extra.push({ entity: 'conversation', entityId: conv!.id, conversationId: conv!.id });
          }
          // A refusal rolls the new contact and conversation back with everything else.
          const outcome = await queueMessageSend(tx, deps, organizationId, actor, conv!.id, body.message);
          return outcome.ok ? ok({ ...outcome.value, extraChanges: extra }) : outcome;
        },
      ),

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
                  visibleTo(organizationId, actor),
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
