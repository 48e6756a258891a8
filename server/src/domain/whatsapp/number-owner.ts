import { and, eq, isNull } from 'drizzle-orm';
import { fail, ok, type Result } from '#contract/result';
import type { AuditEventInput } from '../audit/audit-log';
import type { Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import type { WhatsAppAccountRow } from '../../storage/queries/whatsapp-accounts';
import { conversations, memberships, users, whatsappAccounts } from '../../storage/schema/index';
import { factsOf } from '../visibility/rule';
import { scopeChangesForConversations } from '../visibility/scope-changes';
import { accountTarget } from './account-audit';

// Giving a WhatsApp number to a member, or back to the organization (issue 10). The owner is a
// fact of the visibility rule (`domain/visibility`): the number's conversations carry it
// (`conversations.owner_id`), so a change rewrites them all in the admin's transaction, with the
// revoke/grant entries of every member whose view changed — the tailer, pull and the replicas
// follow the log as they do for an assignment.

/** The new owner, checked: an active member of the organization (with their name), or null. */
export async function checkOwner(
  exec: Db | Tx,
  organizationId: string,
  ownerUserId: string | null,
): Promise<Result<{ id: string; name: string } | null>> {
  if (ownerUserId === null) return ok(null);
  const [m] = await exec
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.organizationId, organizationId),
        eq(memberships.userId, ownerUserId),
        isNull(memberships.deactivatedAt),
      ),
    );
  return m
    ? ok(m)
    : fail('invalid_input', 'The owner must be an active member of the organization.', {
        fields: [{ path: 'body.ownerUserId', message: 'Not an active member of the organization' }],
      });
}

/**
 * Sets the owner of `row` inside `tx`: the number, the owner column of each of its conversations
 * (locked), and the log entries (each conversation's `put`, then revokes and grants; the number's
 * own `put` is the caller's). Returns the
 * changes to log and the audit event; nothing when the owner does not change.
 */
export async function setNumberOwner(
  tx: Tx,
  organizationId: string,
  row: WhatsAppAccountRow,
  owner: { id: string; name: string } | null,
  now: Date,
  because?: string,
): Promise<{ changes: Change[]; event: AuditEventInput | null }> {
  const ownerId = owner?.id ?? null;
  if (row.ownerUserId === ownerId) return { changes: [], event: null };
  await tx
    .update(whatsappAccounts)
    .set({ ownerUserId: ownerId, updatedAt: now })
    .where(and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.id, row.id)));
  const ofNumber = and(
    eq(conversations.organizationId, organizationId),
    eq(conversations.whatsappAccountId, row.id),
  );
  const convs = await tx
    .select({
      id: conversations.id,
      assigneeId: conversations.assigneeId,
      teamId: conversations.teamId,
      ownerId: conversations.ownerId,
    })
    .from(conversations)
    .where(ofNumber)
    .orderBy(conversations.id)
    .for('update');
  await tx.update(conversations).set({ ownerId, updatedAt: now }).where(ofNumber);
  const scope = await scopeChangesForConversations(
    tx,
    organizationId,
    convs.map((c) => ({ id: c.id, before: factsOf(c), after: { ...factsOf(c), ownerId } })),
  );
  const changes: Change[] = [
    ...convs.map((c): Change => ({ entity: 'conversation', entityId: c.id, conversationId: c.id })),
    ...scope,
  ];
  const target = accountTarget(row);
  return {
    changes,
    event: {
      action: 'whatsapp_account.owner_changed',
      target,
      summary: owner
        ? `Gave WhatsApp number ${target.label} to ${owner.name}: its new conversations are theirs`
        : `Gave WhatsApp number ${target.label} back to the organization${because ? ` because ${because}` : ''}`,
      details: {
        before: { ownerUserId: row.ownerUserId },
        after: { ownerUserId: ownerId },
        conversations: convs.length,
        ...(because !== undefined && { reason: because }),
      },
    },
  };
}

/**
 * Gives every number `userId` owns back to the organization, inside the transaction that
 * deactivates or removes them: a number whose owner can no longer answer would otherwise keep its
 * conversations out of every team queue (and ingest would leave its new ones unassigned yet
 * private). The numbers' own `put`s are included; the caller records the changes and events.
 */
export async function releaseNumbersOf(
  tx: Tx,
  organizationId: string,
  userId: string,
  because: string,
  now: Date,
): Promise<{ changes: Change[]; events: AuditEventInput[] }> {
  const owned = await tx
    .select()
    .from(whatsappAccounts)
    .where(and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.ownerUserId, userId)))
    .orderBy(whatsappAccounts.id)
    .for('update');
  const changes: Change[] = [];
  const events: AuditEventInput[] = [];
  for (const row of owned) {
    const released = await setNumberOwner(tx, organizationId, row, null, now, because);
    changes.push({ entity: 'whatsapp_account', entityId: row.id }, ...released.changes);
    if (released.event) events.push(released.event);
  }
  return { changes, events };
}
