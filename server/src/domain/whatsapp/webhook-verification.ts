import { and, eq, isNull } from 'drizzle-orm';
import type { Clock } from '../../lib/clock';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { whatsappAccounts } from '../../storage/schema/index';

/**
 * Records that Meta's GET verification handshake succeeded for a number (the "Verified" step
 * of Settings › WhatsApp numbers). Only the first success per verify token writes (the column is
 * cleared when the token changes), so Meta re-checking the URL costs one indexed no-op update.
 * Synced like any change of the number, so the screen that waits sees it without polling.
 */
export function createWebhookVerification(deps: { db: Db; clock: Clock; onChanged?: (id: string) => void }) {
  return async (account: { id: string; organizationId: string }): Promise<void> => {
    const { db } = deps;
    const now = deps.clock.now();
    const marked = await db.transaction(async (tx) => {
      const rows = await tx
        .update(whatsappAccounts)
        .set({ webhookVerifiedAt: now, updatedAt: now })
        .where(
          and(
            eq(whatsappAccounts.organizationId, account.organizationId),
            eq(whatsappAccounts.id, account.id),
            isNull(whatsappAccounts.webhookVerifiedAt),
          ),
        )
        .returning({ id: whatsappAccounts.id });
      if (rows.length > 0)
        await recordChanges(tx, account.organizationId, [
          { entity: 'whatsapp_account', entityId: account.id },
        ]);
      return rows.length > 0;
    });
    if (marked) deps.onChanged?.(account.id);
  };
}
