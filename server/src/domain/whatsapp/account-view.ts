import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import type { WhatsAppAccountRow } from '../../storage/queries/whatsapp-accounts';

/** An account row as the API shows it (never a secret), its webhook URL under `publicUrl`. */
export const accountView =
  (publicUrl: string) =>
  (row: WhatsAppAccountRow): WhatsAppAccount => ({
    id: row.id,
    name: row.name,
    phoneNumberId: row.phoneNumberId,
    businessAccountId: row.businessAccountId,
    displayPhoneNumber: row.displayPhoneNumber,
    verifiedName: row.verifiedName,
    qualityRating: row.qualityRating,
    throughputMps: row.throughputMps,
    status: row.status,
    statusReason: row.statusReason,
    webhookUrl: `${publicUrl}/webhooks/whatsapp/${row.id}`,
    webhookVerifiedAt: row.webhookVerifiedAt?.toISOString() ?? null,
    defaultTeamId: row.defaultTeamId,
    ownerUserId: row.ownerUserId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });
