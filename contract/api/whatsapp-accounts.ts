import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/** Connection state of a WhatsApp number. `token_invalid` stops its send queue until fixed. */
export const WhatsAppAccountStatus = z.enum(['connected', 'token_invalid', 'disconnected']);
export type WhatsAppAccountStatus = z.infer<typeof WhatsAppAccountStatus>;

/** A connected WhatsApp business number. Never carries the access token, app secret or verify token. */
export const WhatsAppAccount = z.object({
  id: z.uuid(),
  name: text(),
  phoneNumberId: text(),
  businessAccountId: text(),
  /** As Meta formats it, e.g. "+1 631-555-5555". */
  displayPhoneNumber: text().nullable(),
  verifiedName: text().nullable(),
  /** GREEN, YELLOW, RED, UNKNOWN or NA, as Meta reports it. */
  qualityRating: text().nullable(),
  /** Send-queue cap in messages per second (Meta's default tier is 80). */
  throughputMps: z.number().int().positive(),
  status: WhatsAppAccountStatus,
  /** Why the account is not connected, in a sentence. */
  statusReason: text().nullable(),
  /** Where Meta must send this number's webhooks: `PUBLIC_URL/webhooks/whatsapp/:id`. */
  webhookUrl: text(),
  /**
   * When Meta's verification handshake succeeded with the current verify token, ISO 8601; null
   * while Meta has not verified the webhook URL yet (rows synced before this field read null).
   */
  webhookVerifiedAt: text().nullable().default(null),
  /** The team new conversations on this number land in; null = none. */
  defaultTeamId: z.uuid().nullable().default(null),
  /**
   * The member who owns the number (issue 10); null = the organization's. A member-owned
   * number's new conversations are assigned to its owner, and only the owner, the assignee,
   * managers and admins see them. (Defaults to null for rows synced before the field existed.)
   */
  ownerUserId: z.uuid().nullable().default(null),
  createdAt: text(),
  updatedAt: text(),
});
export type WhatsAppAccount = z.infer<typeof WhatsAppAccount>;

const metaId = (label: string) =>
  text()
    .trim()
    .regex(/^\d{1,32}$/, { message: `${label} is the numeric id Meta shows in the App Dashboard` });

/** `POST /api/v1/whatsapp-accounts`: connect a number; credentials are verified with Meta first. */
export const CreateWhatsAppAccountBody = z.object({
  name: text().trim().min(1).max(120),
  phoneNumberId: metaId('Phone number ID'),
  businessAccountId: metaId('WhatsApp Business Account ID'),
  accessToken: text().trim().min(10).max(2048),
  appSecret: text().trim().min(8).max(256),
  verifyToken: text().trim().min(8).max(256),
  throughputMps: z.number().int().min(1).max(1000).optional(),
});
export type CreateWhatsAppAccountBody = z.infer<typeof CreateWhatsAppAccountBody>;

/**
 * `PATCH /api/v1/whatsapp-accounts/:id`: rename, rotate credentials, change the send cap, give
 * the number to a member (`ownerUserId`) or back to the organization (`null`).
 */
export const UpdateWhatsAppAccountBody = CreateWhatsAppAccountBody.pick({
  name: true,
  accessToken: true,
  appSecret: true,
  verifyToken: true,
  throughputMps: true,
})
  .partial()
  .extend({ ownerUserId: z.uuid({ message: 'Choose a member of the organization' }).nullable().optional() });
export type UpdateWhatsAppAccountBody = z.infer<typeof UpdateWhatsAppAccountBody>;

/** `GET /api/v1/whatsapp-accounts` (every member may list). */
export const ListWhatsAppAccountsQuery = PageQuery;
export type ListWhatsAppAccountsQuery = z.infer<typeof ListWhatsAppAccountsQuery>;

/** A keyset page of WhatsApp accounts, oldest connection first. */
export const WhatsAppAccountPage = page(WhatsAppAccount);
export type WhatsAppAccountPage = z.infer<typeof WhatsAppAccountPage>;

/** `POST /api/v1/whatsapp-accounts/:id/sync-templates`: what the sync changed. */
export const SyncTemplatesResult = z.object({
  /** Templates Meta listed (all pages). */
  synced: z.number().int().nonnegative(),
  /** Templates that were new or changed. */
  changed: z.number().int().nonnegative(),
  /** Templates Parley knew that Meta no longer lists, now marked DELETED. */
  markedDeleted: z.number().int().nonnegative(),
});
export type SyncTemplatesResult = z.infer<typeof SyncTemplatesResult>;

/** `PUT /api/v1/whatsapp-accounts/:id/default-team` (admin): null clears it. */
export const SetDefaultTeamBody = z.object({ teamId: z.uuid().nullable() }).strict();
export type SetDefaultTeamBody = z.infer<typeof SetDefaultTeamBody>;
