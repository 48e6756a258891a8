import { and, asc, eq, gt, or } from 'drizzle-orm';
import { z } from 'zod';
import type { WhatsAppAccountPage } from '#contract/api/whatsapp-accounts';
import { ok, type Result } from '#contract/result';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import type { Db, Tx } from '../../storage/db';
import type { WhatsAppAccountRow } from '../../storage/queries/whatsapp-accounts';
import { whatsappAccounts } from '../../storage/schema/index';
import type { accountView } from './account-view';

// Reading and patching `whatsapp_accounts` rows of one organization, shared by the account
// service and its template sync (split out of account-service.ts, which only decides).

/** [createdAt ISO, id]. */
const Cursor = z.tuple([cursorIsoTime, z.uuid()]);

const ofOrg = (organizationId: string, id: string) =>
  and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.id, id));

/** One account of the organization, or undefined (also for other organizations' ids). */
export async function accountById(
  db: Db,
  organizationId: string,
  id: string,
): Promise<WhatsAppAccountRow | undefined> {
  return (await db.select().from(whatsappAccounts).where(ofOrg(organizationId, id)))[0];
}

/** Applies a patch inside `tx`; returns the updated row or undefined. */
export async function updateAccountRow(
  tx: Tx,
  organizationId: string,
  id: string,
  patch: Partial<typeof whatsappAccounts.$inferInsert>,
): Promise<WhatsAppAccountRow | undefined> {
  const [row] = await tx.update(whatsappAccounts).set(patch).where(ofOrg(organizationId, id)).returning();
  return row;
}

/** This organization's disconnected account for a number (reconnected in place), if any. */
export async function disconnectedAccountFor(
  tx: Tx,
  organizationId: string,
  phoneNumberId: string,
): Promise<{ id: string } | undefined> {
  const [old] = await tx
    .select({ id: whatsappAccounts.id })
    .from(whatsappAccounts)
    .where(
      and(
        eq(whatsappAccounts.organizationId, organizationId),
        eq(whatsappAccounts.phoneNumberId, phoneNumberId),
        eq(whatsappAccounts.status, 'disconnected'),
      ),
    )
    .orderBy(asc(whatsappAccounts.createdAt))
    .limit(1);
  return old;
}

/** One keyset page of the organization's accounts, oldest first. */
export async function listAccountPage(
  db: Db,
  organizationId: string,
  toAccount: ReturnType<typeof accountView>,
  q: { cursor?: string | undefined; limit: number },
): Promise<Result<WhatsAppAccountPage>> {
  const cursor = parseCursor(q.cursor, Cursor);
  if (!cursor.ok) return cursor;
  const after = cursor.value && { createdAt: cursor.value[0], id: cursor.value[1] };
  const rows = await db
    .select()
    .from(whatsappAccounts)
    .where(
      and(
        eq(whatsappAccounts.organizationId, organizationId),
        after
          ? or(
              gt(whatsappAccounts.createdAt, after.createdAt),
              and(eq(whatsappAccounts.createdAt, after.createdAt), gt(whatsappAccounts.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(whatsappAccounts.createdAt), asc(whatsappAccounts.id))
    .limit(q.limit + 1);
  const pageRows = rows.slice(0, q.limit);
  const last = pageRows[pageRows.length - 1];
  return ok({
    data: pageRows.map(toAccount),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  });
}
