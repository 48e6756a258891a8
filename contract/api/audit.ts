import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/**
 * Every action the server records, named `<subject>.<verb>`. The server writes only these (a
 * typo is a type error); readers accept any dotted string, because an older app may read events
 * a newer server wrote. Add new actions here, with the subject first so `subject.*` filters them.
 */
export const AUDIT_ACTIONS = [
  /** The organization and its first admin were created (sign-up). */
  'organization.created',
  /** Name or team-visibility policy changed; details hold before/after of what changed. */
  'organization.settings_changed',
  /** An admin invited someone by link (target: the invitation). */
  'member.invited',
  /** An admin created a member with a temporary password (target: the member). */
  'member.added',
  /** Someone accepted an invitation (actor and target: the new member). */
  'member.joined',
  'member.role_changed',
  'member.deactivated',
  'member.reactivated',
  'member.removed',
  /** An admin gave a member a temporary password and ended all their sessions (never the password). */
  'member.password_reset',
  'team.created',
  'team.renamed',
  'team.deleted',
  'team.member_added',
  'team.member_removed',
  'whatsapp_account.connected',
  /** Name, send cap, app secret or verify token changed; details list the fields, never secrets. */
  'whatsapp_account.updated',
  'whatsapp_account.token_replaced',
  'whatsapp_account.disconnected',
  /** An admin gave the number to a member or back to the organization (details: before/after owner). */
  'whatsapp_account.owner_changed',
  /** An admin pulled the templates from Meta (the server's own syncs are not recorded). */
  'whatsapp_account.templates_synced',
  /** An admin submitted a template to Meta (target: the template; details: number, category). */
  'template.created',
  /** An admin edited a template at Meta (target: the template; details: status and category before/after). */
  'template.edited',
  /** An admin deleted a template at Meta (target: the template). */
  'template.deleted',
  /** An admin created an API key (target: the key; details: scopes, allow-list, expiry). */
  'api_key.created',
  /** Name, scopes, allow-list or limit changed; details hold before/after. */
  'api_key.updated',
  'api_key.revoked',
  /** A key (or a token issued for it) called a write route; details: method and route. */
  'api_key.write',
  /** An admin (or a key with webhooks:manage) registered an outgoing webhook endpoint. */
  'webhook_endpoint.created',
  /** URL, events, description changed, or the endpoint was enabled/disabled; details hold before/after. */
  'webhook_endpoint.updated',
  /** A new signing secret; the previous one keeps signing for 24 hours (never the secrets). */
  'webhook_endpoint.secret_rotated',
  'webhook_endpoint.deleted',
  /** Auto-assignment gave a conversation to a member (target: the conversation). */
  'conversation.auto_assigned',
  /** An admin turned auto-assignment on or off for a team or number. */
  'assignment.settings_changed',
  /** A manager or admin changed a member's capacity for auto-assignment (target: the member). */
  'member.capacity_changed',
  /** A webhook event was stored with unstorable characters replaced (target: the receipt). */
  'webhook.event_sanitized',
  /** A webhook event (or a whole receipt) could not be applied and was quarantined. */
  'webhook.event_quarantined',
  /** An admin created a lead intake (target: the intake; details: number, team, labels, template). */
  'intake.created',
  /** Name, number, team, labels, template or enabled changed; details hold before/after. */
  'intake.updated',
  'intake.deleted',
  /** An admin replaced an intake's signing secret (the old one stops verifying at once). */
  'intake.secret_rotated',
  'label.created',
  /** Renamed on the label and on every conversation carrying it; details: before/after, count. */
  'label.renamed',
  'label.recoloured',
  /** Deleted, and removed from the conversations carrying it; details: count. */
  'label.deleted',
] as const;

/** An action the server records (see {@link AUDIT_ACTIONS}). */
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/** Who acted: a signed-in member, an API key, or Parley itself (jobs, webhooks from Meta). */
export const AuditActorKind = z.enum(['user', 'api_key', 'system']);
export type AuditActorKind = z.infer<typeof AuditActorKind>;

/** The actor of an event, as it was when the event happened. */
export const AuditActor = z.object({
  kind: AuditActorKind,
  /** The user's or API key's id; null for the system. */
  id: z.uuid().nullable(),
  /** Display name at the time (kept when the actor is later renamed, removed or revoked). */
  label: text(),
});
export type AuditActor = z.infer<typeof AuditActor>;

/** What an event acted on. */
export const AuditTarget = z.object({
  /** `member`, `invitation`, `team`, `whatsapp_account`, `organization`, … */
  type: text(),
  /** The target's id (a UUID for every target Parley has today). */
  id: text(),
  /** Display name at the time (a member's name, a team's or number's name). */
  label: text(),
});
export type AuditTarget = z.infer<typeof AuditTarget>;

/** One recorded event of `GET /api/v1/audit-events`. */
export const AuditEvent = z.object({
  id: z.uuid(),
  /** When the change committed (the server's clock), ISO 8601. */
  occurredAt: text(),
  actor: AuditActor,
  /** `<subject>.<verb>`, one of {@link AUDIT_ACTIONS} when written by this version. */
  action: text(),
  /** Null for events that act on nothing in particular. */
  target: AuditTarget.nullable(),
  /** What happened, in a sentence without the actor ("Changed the role of Ada from agent to manager"). */
  summary: text(),
  /** Structured facts: `before`/`after` for changes, counts, the fields touched. Never secrets. */
  details: z.record(text(), z.unknown()),
  /** The caller's address as the server saw it (behind a proxy, see TRUST_PROXY); null when unknown. */
  ip: text().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** A full action (`member.role_changed`) or a subject prefix (`member.*`, `whatsapp_account.*`). */
export const AuditActionFilter = text()
  .max(100)
  .regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)*\.([a-z][a-z_]*|\*)$/, {
    message: 'Use an action such as member.role_changed, or a prefix such as member.*',
  });

/**
 * `GET /api/v1/audit-events` (admins): newest first, keyset paged; every filter narrows.
 * `since` is inclusive and `until` exclusive.
 */
export const ListAuditEventsQuery = PageQuery.extend({
  action: AuditActionFilter.optional(),
  /** Only events by this user or API key. */
  actorId: z.uuid({ message: 'actorId must be the id (a UUID) of a member or an API key' }).optional(),
  /** Only events on targets of this type (`member`, `team`, `whatsapp_account`, …). */
  targetType: text()
    .max(50)
    .regex(/^[a-z][a-z_]*$/, { message: 'targetType is a type such as member, team or whatsapp_account' })
    .optional(),
  /** Only events on this target; needs `targetType`. */
  targetId: text()
    .max(200)
    .regex(/^[A-Za-z0-9_.:@+-]+$/, { message: 'targetId must be the id of the target, such as a UUID' })
    .optional(),
  since: z.iso
    .datetime({ offset: true, message: 'since must be an ISO 8601 time such as 2025-01-31T09:00:00Z' })
    .optional(),
  until: z.iso
    .datetime({ offset: true, message: 'until must be an ISO 8601 time such as 2025-01-31T18:00:00Z' })
    .optional(),
})
  .refine((q) => q.targetId === undefined || q.targetType !== undefined, {
    message: 'Give targetType with targetId, e.g. targetType=member',
    path: ['targetType'],
  })
  .refine((q) => !q.since || !q.until || Date.parse(q.since) < Date.parse(q.until), {
    message: 'since must be earlier than until',
    path: ['until'],
  });
export type ListAuditEventsQuery = z.infer<typeof ListAuditEventsQuery>;

/** `GET /api/v1/audit-events` response. */
export const AuditEventPage = page(AuditEvent);
export type AuditEventPage = z.infer<typeof AuditEventPage>;
