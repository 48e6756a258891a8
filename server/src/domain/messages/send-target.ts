import { and, eq, ne, sql } from 'drizzle-orm';
import type { SendToNumberBody } from '#contract/api/messages';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import { notFound } from '../failure';
import type { Db, Tx } from '../../storage/db';
import type { Change } from '../../storage/change-log';
import { executePrepared } from '../../storage/prepared';
import { contacts, conversations, organizationSettings, whatsappAccounts } from '../../storage/schema/index';
import { readDefaultNumber } from '../organization/message-settings';

// Where `POST /messages` sends: the number (named, the organization's default, or its only connected one),
// the contact (by id, or found/created by WhatsApp id or E.164 number) and the conversation
// between them (found or created). Runs inside the send's transaction, so a refusal later in
// the send rolls a new contact and conversation back.

/** The conversation to send in, and the change-log entries of what was created. */
export type SendTarget = { conversationId: string; extra: Change[] };

/**
 * The conversation `body` sends in when its contact and conversation exist already, read outside
 * the send's transaction (no lock, nothing written), so that concurrent sends look it up side by
 * side before they join their group (send-groups.ts); null when the number or contact is refused
 * or something would have to be created. Only a hint: the send still runs every check inside
 * its transaction, and falls back to {@link resolveSendTarget} when they do not pass.
 */
export async function findSendTarget(
  exec: Db,
  organizationId: string,
  actor: Principal,
  body: SendToNumberBody,
): Promise<string | null> {
  // One statement (it runs once per send, beside every other send on the pool): the number as
  // pickAccount and checkedAccount choose and check it, the contact as findContact picks it (the
  // same order, so never another of a number's contacts), then their conversation.
  const live = sql`(select case when count(*) = 1 then (array_agg(${whatsappAccounts.id}))[1] end
    from ${whatsappAccounts} where ${whatsappAccounts.organizationId} = ${organizationId}
      and ${whatsappAccounts.status} <> 'disconnected')`;
  const defaultNumber = sql`(select ${organizationSettings.defaultWhatsappAccountId} from ${organizationSettings}
    where ${organizationSettings.organizationId} = ${organizationId})`;
  const owned = atLeast(actor.role, 'manager')
    ? sql`true`
    : sql`(a.owner_user_id is null or a.owner_user_id = ${actor.userId})`;
  const digits = digitsOf(body);
  const contact =
    body.contactId !== undefined
      ? sql`select id from contacts where organization_id = ${organizationId} and id = ${body.contactId}`
      : sql`select id from contacts where organization_id = ${organizationId}
          and (wa_id = ${digits} or phone_e164 = ${`+${digits}`})
          order by wa_id = ${digits} desc nulls last, created_at limit 1`;
  // One prepared statement per shape: by contact id or by number, for managers or members.
  const shape = `${body.contactId !== undefined ? 'id' : 'to'}:${atLeast(actor.role, 'manager') ? 'all' : 'own'}`;
  const [row] = await executePrepared<{ id: string }>(
    exec,
    `find-send-target:${shape}`,
    sql`
      with a as (
        select id, owner_user_id from whatsapp_accounts
        where organization_id = ${organizationId} and status = 'connected'
          and id = coalesce(${body.whatsappAccountId ?? null}::uuid, ${defaultNumber}, ${live})
      ), c as (${contact})
      select cv.id from conversations cv
        join a on cv.whatsapp_account_id = a.id and ${owned}
        join c on cv.contact_id = c.id
      where cv.organization_id = ${organizationId}`,
  );
  return row?.id ?? null;
}

/** Resolves (and creates as needed) the conversation `body` sends in. */
export async function resolveSendTarget(
  tx: Tx,
  organizationId: string,
  actor: Principal,
  body: SendToNumberBody,
  now: Date,
): Promise<Result<SendTarget>> {
  const account = await checkedAccount(tx, organizationId, actor, body);
  if (!account.ok) return account;
  const { id: accountId, ownerUserId } = account.value;
  const extra: Change[] = [];
  if (body.contactId === undefined) {
    // Serialises concurrent first sends to one number (no duplicate contacts).
    const digits = digitsOf(body);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${organizationId}:${digits}`}))`);
  }
  let contactId = await findContact(tx, organizationId, body);
  if (contactId === null) {
    if (body.contactId !== undefined) return notFound('Contact');
    const phone = `+${digitsOf(body)}`;
    const [contact] = await tx
      .insert(contacts)
      .values({ organizationId, phoneE164: phone, createdAt: now, updatedAt: now })
      .returning({ id: contacts.id });
    extra.push({ entity: 'contact', entityId: contact!.id });
    contactId = contact!.id;
  }
  const where = conversationOf(organizationId, accountId, contactId);
  let [conv] = await tx.select({ id: conversations.id }).from(conversations).where(where);
  if (!conv) {
    [conv] = await tx
      .insert(conversations)
      .values({
        organizationId,
        whatsappAccountId: accountId,
        contactId,
        // A member-owned number's conversation is its owner's (issue 10); otherwise an agent's
        // new conversation is theirs, and managers', admins' and keys' go to triage.
        ownerId: ownerUserId,
        assigneeId: ownerUserId ?? (atLeast(actor.role, 'manager') ? null : actor.userId),
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: conversations.id });
    extra.push({ entity: 'conversation', entityId: conv!.id, conversationId: conv!.id });
  }
  return ok({ conversationId: conv!.id, extra });
}

/** The sending number, refused when it is another member's, disconnected or its token invalid. */
async function checkedAccount(exec: Db, organizationId: string, actor: Principal, body: SendToNumberBody) {
  const account = await pickAccount(exec, organizationId, body.whatsappAccountId);
  if (!account.ok) return account;
  const { id: accountId, status, name, ownerUserId } = account.value;
  // A member-owned number is its owner's: other agents do not start conversations on it.
  if (ownerUserId !== null && !atLeast(actor.role, 'manager') && ownerUserId !== actor.userId)
    return fail(
      'forbidden',
      `The WhatsApp number “${name}” belongs to another member; send from another number.`,
    );
  if (status !== 'connected')
    return fail(
      'account_unavailable',
      status === 'token_invalid'
        ? `WhatsApp rejected the access token of “${name}”; an admin needs to reconnect the number.`
        : `The WhatsApp number “${name}” is disconnected; messages cannot be sent from it.`,
      { whatsappAccountId: accountId, status },
    );
  return account;
}

/** The contact `body` names (by id), or the one with its WhatsApp id or number; null when none. */
async function findContact(exec: Db, organizationId: string, body: SendToNumberBody) {
  if (body.contactId !== undefined) {
    const [c] = await exec
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.organizationId, organizationId), eq(contacts.id, body.contactId)));
    return c?.id ?? null;
  }
  const digits = digitsOf(body);
  const phone = `+${digits}`;
  const [contact] = await exec
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
  return contact?.id ?? null;
}

/** The digits of the number `body` sends to: its WhatsApp id, and its E.164 number after a "+". */
const digitsOf = (body: SendToNumberBody) => (body.to ?? '').replace(/\D/g, '');

const conversationOf = (organizationId: string, accountId: string, contactId: string) =>
  and(
    eq(conversations.organizationId, organizationId),
    eq(conversations.whatsappAccountId, accountId),
    eq(conversations.contactId, contactId),
  );

/**
 * The named number; else the organization's default number (issue 10); else the only one not
 * disconnected; else 422 naming the choice to make.
 */
async function pickAccount(tx: Db, organizationId: string, named: string | undefined) {
  const cols = {
    id: whatsappAccounts.id,
    status: whatsappAccounts.status,
    name: whatsappAccounts.name,
    ownerUserId: whatsappAccounts.ownerUserId,
  };
  const id = named ?? (await readDefaultNumber(tx, organizationId)) ?? undefined;
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
  if (live.length === 0)
    return fail('account_unavailable', 'The organization has no connected WhatsApp number to send from.');
  return fail(
    'unprocessable',
    'The organization has several WhatsApp numbers and no default number: name one with "whatsappAccountId", or have an admin choose the default number in Settings > Organization.',
    { fields: [{ path: 'body.whatsappAccountId', message: 'Choose the number to send from' }] },
  );
}
