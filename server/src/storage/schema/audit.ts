import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, organizationId, ts } from './columns';
import { organizations } from './organizations';

/**
 * The audit log (`domain/audit/`): who did what to what, and when. Written in the transaction of
 * the change it describes, so a row exists exactly when the change committed. Labels are copies
 * taken at the time, so the log reads well after actors and targets are renamed or removed; no
 * foreign key points at them for the same reason. Never holds secrets.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: id(),
    organizationId: organizationId().references(() => organizations.id, { onDelete: 'cascade' }),
    occurredAt: ts('occurred_at').notNull(),
    /**
     * Insertion order: the tiebreak of the newest-first keyset, so events of one transaction (a
     * role change and a deactivation in one PATCH) list in the order they happened even when
     * they share a millisecond.
     */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    /** `user` | `api_key` | `system`. */
    actorKind: text('actor_kind', { enum: ['user', 'api_key', 'system'] }).notNull(),
    /** The user's or API key's id; null for the system. */
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label').notNull(),
    /** `<subject>.<verb>` (contract `AUDIT_ACTIONS`). */
    action: text('action').notNull(),
    targetType: text('target_type'),
    /** Text, not uuid: later targets may carry Meta's or other non-UUID ids. */
    targetId: text('target_id'),
    targetLabel: text('target_label'),
    /** A sentence without the actor, e.g. "Renamed team Sales to Field sales". */
    summary: text('summary').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** The caller's address as the server saw it; null for the system or when unknown. */
    ip: text('ip'),
  },
  (t) => [
    // The admin's list: newest first, keyset (occurred_at, seq), optionally narrowed by one filter.
    // Ascending columns on purpose: a backward scan yields exactly `occurred_at DESC, seq DESC`
    // (drizzle's `.desc()` emits NULLS LAST, which that ORDER BY could not use).
    index('audit_events_org_time_idx').on(t.organizationId, t.occurredAt, t.seq),
    // text_pattern_ops so `action LIKE 'member.%'` (a subject prefix) can use the index whatever
    // the database's collation; equality uses it too.
    index('audit_events_org_action_idx').on(
      t.organizationId,
      t.action.op('text_pattern_ops'),
      t.occurredAt,
      t.seq,
    ),
    index('audit_events_org_actor_idx').on(t.organizationId, t.actorId, t.occurredAt, t.seq),
    index('audit_events_org_target_idx').on(t.organizationId, t.targetType, t.targetId, t.occurredAt, t.seq),
    check('audit_events_actor_kind_check', sql`${t.actorKind} in ('user', 'api_key', 'system')`),
    check('audit_events_actor_id_check', sql`(${t.actorKind} = 'system') = (${t.actorId} is null)`),
    check(
      'audit_events_target_check',
      sql`(${t.targetType} is null) = (${t.targetId} is null) and (${t.targetId} is null) = (${t.targetLabel} is null)`,
    ),
  ],
);
