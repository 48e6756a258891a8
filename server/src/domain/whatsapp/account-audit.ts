import type { SyncTemplatesResult, UpdateWhatsAppAccountBody } from '#contract/api/whatsapp-accounts';
import type { AuditEventInput, AuditTargetRef } from '../audit/audit-log';
import type { WhatsAppAccountRow } from '../../storage/queries/whatsapp-accounts';

// The audit events of admins' changes to WhatsApp accounts (`account-service.ts` records them in
// each change's transaction). Rows carry encrypted credentials: only the plain columns named
// below ever reach an event, and secret fields of a PATCH are listed by name, never by value.

type Named = Pick<WhatsAppAccountRow, 'id' | 'name' | 'displayPhoneNumber' | 'phoneNumberId'>;

/** The audit target of an account: its name and number at the time. */
export const accountTarget = (row: Named): AuditTargetRef => ({
  type: 'whatsapp_account',
  id: row.id,
  label: `${row.name} (${row.displayPhoneNumber ?? row.phoneNumberId})`,
});

/** PATCH fields other than the token, as the summary names them. */
const UPDATE_FIELDS = {
  name: 'name',
  throughputMps: 'send cap',
  appSecret: 'app secret',
  verifyToken: 'verify token',
} as const;

/** A number connected (or this organization's disconnected one reconnected). */
export const connectedEvent = (saved: WhatsAppAccountRow, reconnected: boolean): AuditEventInput => ({
  action: 'whatsapp_account.connected',
  target: accountTarget(saved),
  summary: `${reconnected ? 'Reconnected' : 'Connected'} WhatsApp number ${accountTarget(saved).label}`,
  details: {
    phoneNumberId: saved.phoneNumberId,
    businessAccountId: saved.businessAccountId,
    displayPhoneNumber: saved.displayPhoneNumber,
    verifiedName: saved.verifiedName,
    throughputMps: saved.throughputMps,
    reconnected,
  },
});

/** A PATCH's events: the token replacement, then the other fields (secrets by name only). */
export const updateEvents = (
  before: WhatsAppAccountRow,
  after: WhatsAppAccountRow,
  body: UpdateWhatsAppAccountBody,
): AuditEventInput[] => {
  const events: AuditEventInput[] = [];
  if (body.accessToken !== undefined)
    events.push({
      action: 'whatsapp_account.token_replaced',
      target: accountTarget(after),
      summary: `Replaced the access token of ${accountTarget(after).label} (verified with Meta)`,
      details: {
        before: { status: before.status, verifiedName: before.verifiedName },
        after: { status: after.status, verifiedName: after.verifiedName },
      },
    });
  const fields = (Object.keys(UPDATE_FIELDS) as Array<keyof typeof UPDATE_FIELDS>).filter(
    (k) => body[k] !== undefined,
  );
  const plain = fields.filter((k) => k === 'name' || k === 'throughputMps');
  if (fields.length > 0)
    events.push({
      action: 'whatsapp_account.updated',
      target: accountTarget(after),
      summary: `Changed the ${fields.map((k) => UPDATE_FIELDS[k]).join(', ')} of ${accountTarget(before).label}`,
      details: {
        fields,
        before: Object.fromEntries(plain.map((k) => [k, before[k]])),
        after: Object.fromEntries(plain.map((k) => [k, after[k]])),
      },
    });
  return events;
};

/** A number disconnected by an admin. */
export const disconnectedEvent = (row: WhatsAppAccountRow): AuditEventInput => ({
  action: 'whatsapp_account.disconnected',
  target: accountTarget(row),
  summary: `Disconnected WhatsApp number ${accountTarget(row).label}; its history is kept`,
  details: { before: { status: row.status }, after: { status: 'disconnected' } },
});

/** An admin's template sync, with what it changed. */
export const templatesSyncedEvent = (row: WhatsAppAccountRow, r: SyncTemplatesResult): AuditEventInput => ({
  action: 'whatsapp_account.templates_synced',
  target: accountTarget(row),
  summary:
    `Synced the templates of ${accountTarget(row).label} from Meta: ${r.synced} listed, ` +
    `${r.changed} new or changed, ${r.markedDeleted} marked deleted`,
  details: { synced: r.synced, changed: r.changed, markedDeleted: r.markedDeleted },
});
