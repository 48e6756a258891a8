import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { whatsappAccounts } from '../schema/index';

// WhatsApp accounts: the lookups of the webhook path, which take no organization on purpose
// (Meta's request carries none: the account id in the URL, then the phone number and WABA ids in
// the events, route it), and the insert the account service, benchmarks and the multi-process
// test share. See the query rule in server/README.md.

/** Any statement runner: the database or a transaction. */
type Exec = Db | Tx;

/** A whatsapp_accounts row. */
export type WhatsAppAccountRow = typeof whatsappAccounts.$inferSelect;

/**
 * The account a webhook URL names. Global on purpose: the account id in the URL (a random UUID)
 * is the lookup key, and the signature proves the sender.
 */
export async function accountForWebhook(exec: Exec, id: string): Promise<WhatsAppAccountRow | undefined> {
  const [row] = await exec.select().from(whatsappAccounts).where(eq(whatsappAccounts.id, id));
  return row;
}

/** Live (not disconnected) accounts owning these phone number ids: how webhook events are routed. */
export const liveAccountsByPhoneNumberIds = (exec: Exec, phoneNumberIds: string[]) =>
  phoneNumberIds.length === 0
    ? Promise.resolve([] as WhatsAppAccountRow[])
    : exec
        .select()
        .from(whatsappAccounts)
        .where(
          and(
            inArray(whatsappAccounts.phoneNumberId, phoneNumberIds),
            ne(whatsappAccounts.status, 'disconnected'),
          ),
        );

/** Live accounts of these WABAs: how account-level webhook events (templates, account updates) are routed. */
export const liveAccountsByBusinessAccountIds = (exec: Exec, wabaIds: string[]) =>
  wabaIds.length === 0
    ? Promise.resolve([] as WhatsAppAccountRow[])
    : exec
        .select()
        .from(whatsappAccounts)
        .where(
          and(
            inArray(whatsappAccounts.businessAccountId, wabaIds),
            ne(whatsappAccounts.status, 'disconnected'),
          ),
        );

/** Inserts an account row (credentials already sealed) and returns it. */
export async function insertAccount(
  exec: Exec,
  row: typeof whatsappAccounts.$inferInsert,
): Promise<WhatsAppAccountRow> {
  const [created] = await exec.insert(whatsappAccounts).values(row).returning();
  if (!created) throw new Error('insert returned no row');
  return created;
}
