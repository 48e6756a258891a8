import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../storage/db';
import { organizationSettings } from '../../storage/schema/index';

// The organization's sending settings (issue 10), as stored in `organization_settings`: the
// default number `POST /messages` sends from, and the admin's override of the monthly quota
// (absent row = no default number, the configured quota).

/** What `organization_settings` holds for sending. */
export type MessageSettings = {
  defaultWhatsappAccountId: string | null;
  /** The organization's own monthly quota; null = the configured default. */
  monthlyMessageQuota: number | null;
};

/** The organization's sending settings. */
export async function readMessageSettings(exec: Db | Tx, organizationId: string): Promise<MessageSettings> {
  const [row] = await exec
    .select({
      defaultWhatsappAccountId: organizationSettings.defaultWhatsappAccountId,
      monthlyMessageQuota: organizationSettings.monthlyMessageQuota,
    })
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, organizationId));
  return row ?? { defaultWhatsappAccountId: null, monthlyMessageQuota: null };
}

/** The organization's default number, or null. */
export const readDefaultNumber = async (exec: Db | Tx, organizationId: string): Promise<string | null> =>
  (await readMessageSettings(exec, organizationId)).defaultWhatsappAccountId;

/** Saves the sending settings given (the others keep their value). */
export async function writeMessageSettings(
  tx: Tx,
  organizationId: string,
  patch: Partial<MessageSettings>,
  now: Date,
): Promise<void> {
  const set = { ...patch, updatedAt: now };
  await tx
    .insert(organizationSettings)
    .values({ organizationId, ...set })
    .onConflictDoUpdate({ target: organizationSettings.organizationId, set });
}
