import { and, asc, eq, gt, inArray, ne, or } from 'drizzle-orm';
import type { Db, Tx } from './db';
import { whatsappAccounts } from './schema/index';

/** A whatsapp_accounts row. */
export type WhatsAppAccountRow = typeof whatsappAccounts.$inferSelect;

/** Data access for WhatsApp accounts. Tenant methods take organizationId first. */
export type WhatsAppAccountRepo = ReturnType<typeof createWhatsAppAccountRepo>;

/** Keyset position of the account list (oldest first). */
export type AccountCursor = { createdAt: Date; id: string };

/** Creates the repository over a database or transaction. */
export function createWhatsAppAccountRepo(db: Db | Tx) {
  return {
    /** One account of the organization, or undefined (also for other organizations' ids). */
    byId: async (organizationId: string, id: string): Promise<WhatsAppAccountRow | undefined> => {
      const [row] = await db
        .select()
        .from(whatsappAccounts)
        .where(and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.id, id)));
      return row;
    },
    /** A keyset page, oldest connection first. */
    list: (organizationId: string, after: AccountCursor | undefined, limit: number) =>
      db
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
        .limit(limit),
    /**
     * The account a webhook URL names. Global on purpose: Meta's request carries no tenant; the
     * account id in the URL (a random UUID) is the lookup key, and the signature proves the sender.
     */
    forWebhook: async (id: string): Promise<WhatsAppAccountRow | undefined> => {
      const [row] = await db.select().from(whatsappAccounts).where(eq(whatsappAccounts.id, id));
      return row;
    },
    /** Live (not disconnected) accounts owning these phone number ids: how webhook events are routed. */
    byPhoneNumberIds: (phoneNumberIds: string[]) =>
      phoneNumberIds.length === 0
        ? Promise.resolve([] as WhatsAppAccountRow[])
        : db
            .select()
            .from(whatsappAccounts)
            .where(
              and(
                inArray(whatsappAccounts.phoneNumberId, phoneNumberIds),
                ne(whatsappAccounts.status, 'disconnected'),
              ),
            ),
    /** Live accounts of these WABAs: how account-level webhook events (templates, account updates) are routed. */
    byBusinessAccountIds: (wabaIds: string[]) =>
      wabaIds.length === 0
        ? Promise.resolve([] as WhatsAppAccountRow[])
        : db
            .select()
            .from(whatsappAccounts)
            .where(
              and(
                inArray(whatsappAccounts.businessAccountId, wabaIds),
                ne(whatsappAccounts.status, 'disconnected'),
              ),
            ),
    /** A disconnected account of this organization for the number (reconnecting reuses it). */
    disconnectedByNumber: async (organizationId: string, phoneNumberId: string) => {
      const [row] = await db
        .select()
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
      return row;
    },
    insert: async (row: typeof whatsappAccounts.$inferInsert): Promise<WhatsAppAccountRow> => {
      const [created] = await db.insert(whatsappAccounts).values(row).returning();
      return created!;
    },
    /** Applies a patch; returns the updated row or undefined. */
    update: async (
      organizationId: string,
      id: string,
      patch: Partial<typeof whatsappAccounts.$inferInsert>,
    ): Promise<WhatsAppAccountRow | undefined> => {
      const [row] = await db
        .update(whatsappAccounts)
        .set(patch)
        .where(and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.id, id)))
        .returning();
      return row;
    },
  };
}
