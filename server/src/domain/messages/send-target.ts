import { and, eq, ne, sql } from 'drizzle-orm';
import type { SendToNumberBody } from '#contract/api/messages';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import { notFound } from '../failure';
import type { Change } from '../../storage/change-log';
import type { Tx } from '../../storage/db';
import { contacts, conversations, whatsappAccounts } from '../../storage/schema/index';

// Where `POST /messages` sends: the number (named, or the organization's only connected one),
// the contact (by id, or found/created by WhatsApp id or E.164 number) and the conversation
// between them (found or created). Runs inside the send's transaction, so a refusal later in
// the send rolls a new contact and conversation back.

/** The conversation to send in, and the change-log entries of what was created. */
export type SendTarget = { conversationId: string; extra: Change[] };

/** Resolves (and creates as needed) the conversation `body` sends in. */
export async function resolveSendTarget(
  tx: Tx,
  organizationId: string,
  actor: Principal,
  body: SendToNumberBody,
  now: Date,
): Promise<Result<SendTarget>> {
  const account = await pickAccount(tx, organizationId, body.whatsappAccountId);
  if (!account.ok) return account;
  const { id: accountId, status, name } = account.value;
  if (status !== 'connected')
    return fail(
      'account_unavailable',
      status === 'token_invalid'
        ? `WhatsApp rejected the access token of “${name}”; an admin needs to reconnect the number.`
        : `The WhatsApp number “${name}” is disconnected; messages cannot be sent from it.`,
      { whatsappAccountId: accountId, status },
    );
  const extra: Change[] = [];
  let contactId: string;
  if (body.contactId !== undefined) {
    const [c] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.organizationId, organizationId), eq(contacts.id, body.contactId)));
    if (!c) return notFound('Contact');
    contactId = c.id;
  } else {
    const digits = (body.to ?? '').replace(/\D/g, '');
    const phone = `+${digits}`;
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
    contactId = contact!.id;
  }
  const where = and(
    eq(conversations.organizationId, organizationId),
    eq(conversations.whatsappAccountId, accountId),
    eq(conversations.contactId, contactId),
  );
  let [conv] = await tx.select({ id: conversations.id }).from(conversations).where(where);
  if (!conv) {
    [conv] = await tx
      .insert(conversations)
      .values({
        organizationId,
        whatsappAccountId: accountId,
        contactId,
        // An agent's new conversation is theirs; managers', admins' and keys' go to triage.
        assigneeId: atLeast(actor.role, 'manager') ? null : actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: conversations.id });
    extra.push({ entity: 'conversation', entityId: conv!.id, conversationId: conv!.id });
  }
  return ok({ conversationId: conv!.id, extra });
}

/** The named number, or the only one not disconnected when none is named. */
async function pickAccount(tx: Tx, organizationId: string, id: string | undefined) {
  const cols = { id: whatsappAccounts.id, status: whatsappAccounts.status, name: whatsappAccounts.name };
  if (id !== undefined) {
    const [a] = await tx
      .select(cols)
      .from(whatsappAccounts)
      .where(and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.id, id)));
    return a ? ok(a) : notFound('WhatsApp account');
  }
  const live = await tx
    .select(cols)
    .from(whatsappAccounts)
    .where(
      and(eq(whatsappAccounts.organizationId, organizationId), ne(whatsappAccounts.status, 'disconnected')),
    )
    .limit(2);
  if (live.length === 1) return ok(live[0]!);
  return fail(
    live.length === 0 ? 'account_unavailable' : 'invalid_input',
    live.length === 0
      ? 'The organization has no connected WhatsApp number to send from.'
      : 'The organization has several WhatsApp numbers; name one with "whatsappAccountId".',
    live.length === 0
      ? undefined
      : { fields: [{ path: 'body.whatsappAccountId', message: 'Required here' }] },
  );
}
