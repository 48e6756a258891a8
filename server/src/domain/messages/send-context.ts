import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import { fail, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import { visibleConversationSql } from '../visibility/queries';
import type { MessageContent } from './message-content';
import type { SendInput } from './send-content';
import type { Tx } from '../../storage/db';
import { contacts, conversations, whatsappAccounts, type messages } from '../../storage/schema/index';

// What every outbound send reads under its conversation's lock and the checks that read allows,
// plus the rows a send writes, shared by the one-at-a-time path (queue-send.ts) and the batched
// path of a group of REST sends (send-batch.ts): both must refuse, and write, exactly alike.

/** A conversation locked for a send, with its contact and WhatsApp number. */
export type SendContext = Awaited<ReturnType<typeof lockSendContexts>>[number];

/**
 * Locks the conversations (`FOR UPDATE`, in id order so concurrent batches take them in one
 * order) among `conversationIds` that `actor` may see, with what the send checks need: conv_seq
 * allocation and the window check then see one state.
 */
export async function lockSendContexts(
  tx: Tx,
  organizationId: string,
  actor: Principal,
  conversationIds: readonly string[],
) {
  return tx
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
        conversationIds.length === 1
          ? eq(conversations.id, conversationIds[0]!)
          : inArray(conversations.id, [...conversationIds]),
        visibleConversationSql(organizationId, actor),
      ),
    )
    .orderBy(asc(conversations.id))
    .for('update', { of: conversations });
}

const fmt = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Why a send in this conversation is refused before its type is looked at (the number's state,
 * the contact's opt-out and address, the 24-hour window for anything but a template), or null.
 */
export function sendRefusal(ctx: SendContext, body: SendInput, now: Date): Result<never> | null {
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
  return null;
}

/**
 * The conversation's latest-message fields after an outbound (non-reaction) message (values, or
 * SQL naming them in a batch's rows).
 */
export const lastOutboundFields = (
  messageId: string | SQL,
  preview: string | SQL,
  type: string | SQL,
  now: Date,
) => ({
  lastMessageAt: now,
  lastMessageId: messageId,
  lastMessagePreview: preview,
  lastMessageType: type,
  lastMessageDirection: 'outbound' as const,
  lastMessageStatus: 'queued' as const,
  // A reply: the customer no longer waits (the inbox's "Waiting").
  waitingSince: null,
});

/** The row of a queued outbound message. */
export function outboundMessageRow(
  actor: Principal,
  m: {
    id: string;
    organizationId: string;
    conversationId: string;
    convSeq: number;
    body: SendInput;
    text: string | null;
    caption: string | null;
    content: MessageContent | null;
    mediaId: string | null;
    asOrganization?: boolean | undefined;
    now: Date;
  },
): typeof messages.$inferInsert {
  return {
    id: m.id,
    organizationId: m.organizationId,
    conversationId: m.conversationId,
    convSeq: m.convSeq,
    direction: 'outbound',
    type: m.body.type,
    // A key is no user: its sends name the key instead (the thread shows "via API key ‹name›").
    // A signed lead intake is neither: its greeting has no author; nor has the organization's
    // automatic away message.
    authorId: actor.apiKey || actor.intakeId || m.asOrganization ? null : actor.userId,
    apiKeyId: m.asOrganization ? null : (actor.apiKey?.id ?? null),
    text: m.text,
    caption: m.caption,
    content: m.content,
    mediaId: m.mediaId,
    replyToMessageId: ('replyToMessageId' in m.body && m.body.replyToMessageId) || null,
    status: 'queued',
    statusAt: m.now,
    createdAt: m.now,
    updatedAt: m.now,
  };
}
