import { z } from 'zod';
import type { AuditAction, AuditEvent, AuditEventPage, ListAuditEventsQuery } from '#contract/api/audit';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import {
  createAuditQueries,
  type AuditCursor,
  type AuditFilter,
  type AuditRow,
  type NewAuditRow,
} from './audit-queries';
import type { Db } from '../../storage/db';
import { cleanIp, cleanJson, cleanText } from './sanitize';

/**
 * Who acts, as the audit log records it, and from which address (`ip`: `request.ip` for requests,
 * absent for the system). A user's label may be left out: `record` then reads the user's current
 * name in the same transaction. API keys and the system always name themselves.
 */
export type Actor =
  | { kind: 'user'; id: string; label?: string; ip?: string | undefined }
  | { kind: 'api_key'; id: string; label: string; ip?: string | undefined }
  | { kind: 'system'; label: string };

/** What an event acted on, with its display name at the time. */
export type AuditTargetRef = { type: string; id: string; label: string };

/** One event to record. */
export type AuditEventInput = {
  action: AuditAction;
  target?: AuditTargetRef | null;
  /** A sentence without the actor: "Renamed team "Sales" to "Field sales"". */
  summary: string;
  /** `before`/`after` of what changed, counts, field names. Never secrets (tokens, passwords). */
  details?: Record<string, unknown>;
};

/** The audit log: `record` inside the caller's transactions, `list` for admins. */
export type AuditLog = ReturnType<typeof createAuditLog>;

/** What a service needs to write to the audit log. */
export type AuditRecorder = Pick<AuditLog, 'record'>;

/** The actor of a request made by `principal` from `ip`: a signed-in user or an API key. */
export const actorOf = (principal: Pick<Principal, 'userId' | 'apiKey'>, ip: string | undefined): Actor =>
  principal.apiKey
    ? { kind: 'api_key', id: principal.apiKey.id, label: `API key ${principal.apiKey.name}`, ip }
    : { kind: 'user', id: principal.userId, ip };

/** Parley itself (jobs, Meta's webhooks), under a label saying which part acted. */
export const systemActor = (label = 'Parley'): Actor => ({ kind: 'system', label });

const LABEL_MAX = 200;
const SUMMARY_MAX = 500;
const Cursor = z.tuple([cursorIsoTime, z.uuid()]);

/** The stored label: the actor's own, or (a user without one) the user's name read on insert. */
const labelOf = (actor: Actor): string | { userNameOf: string } => {
  if (actor.kind !== 'user') return cleanText(actor.label, LABEL_MAX);
  return actor.label !== undefined ? cleanText(actor.label, LABEL_MAX) : { userNameOf: actor.id };
};

const toEvent = (row: AuditRow): AuditEvent => ({
  id: row.id,
  occurredAt: row.occurredAt.toISOString(),
  actor: { kind: row.actorKind, id: row.actorId, label: row.actorLabel },
  action: row.action,
  target:
    row.targetType !== null && row.targetId !== null
      ? { type: row.targetType, id: row.targetId, label: row.targetLabel ?? '' }
      : null,
  summary: row.summary,
  details: row.details,
  ip: row.ip,
});

/** The stored row of one event, its strings cleaned. */
function rowOf(organizationId: string, actor: Actor, event: AuditEventInput, clock: Clock): NewAuditRow {
  const target = event.target ?? null;
  return {
    organizationId,
    occurredAt: clock.now(),
    actorKind: actor.kind,
    actorId: actor.kind === 'system' ? null : actor.id,
    actorLabel: labelOf(actor),
    action: event.action,
    targetType: target && cleanText(target.type, 50),
    targetId: target && cleanText(target.id, 200),
    targetLabel: target && cleanText(target.label, LABEL_MAX),
    summary: cleanText(event.summary, SUMMARY_MAX),
    details: cleanJson(event.details ?? {}) as Record<string, unknown>,
    ip: actor.kind === 'system' ? null : cleanIp(actor.ip),
  };
}

/** Creates the audit log over `db`, stamping events with `clock`. */
export function createAuditLog(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const repo = createAuditQueries(db);

  return {
    /**
     * Records one event in `tx`, the CALLER's transaction, so the row exists exactly when the
     * change commits (call it before `recordChanges`, which stays the last statement). Strings
     * are cleaned of what PostgreSQL cannot store (`sanitize.ts`), so recording never fails a
     * change over its text. Also accepts the plain `db` for events that change nothing else.
     */
    record: async (tx: Db, organizationId: string, actor: Actor, event: AuditEventInput): Promise<void> => {
      await createAuditQueries(tx).insert(rowOf(organizationId, actor, event, clock));
    },

    /** Records several events (of any organizations) in one statement, in the order given. */
    recordMany: async (
      tx: Db,
      events: readonly { organizationId: string; actor: Actor; event: AuditEventInput }[],
    ): Promise<void> => {
      await createAuditQueries(tx).insertMany(
        events.map((e) => rowOf(e.organizationId, e.actor, e.event, clock)),
      );
    },

    /** A newest-first page of the organization's events (admins only), narrowed by the query's filters. */
    list: async (
      organizationId: string,
      principal: Principal,
      query: ListAuditEventsQuery,
    ): Promise<Result<AuditEventPage>> => {
      if (!atLeast(principal.role, 'admin')) return fail('forbidden', 'Only admins can read the audit log');
      const cursor = parseCursor(query.cursor, Cursor);
      if (!cursor.ok) return cursor;
      const after: AuditCursor | undefined = cursor.value && {
        occurredAt: cursor.value[0],
        id: cursor.value[1],
      };
      const filter: AuditFilter = {
        ...(query.action !== undefined && {
          action: query.action.endsWith('.*')
            ? { prefix: query.action.slice(0, -1) }
            : { exact: query.action },
        }),
        ...(query.actorId !== undefined && { actorId: query.actorId }),
        ...(query.targetType !== undefined && { targetType: query.targetType }),
        ...(query.targetId !== undefined && { targetId: query.targetId }),
        ...(query.since !== undefined && { since: new Date(query.since) }),
        ...(query.until !== undefined && { until: new Date(query.until) }),
      };
      const rows = await repo.page(organizationId, filter, after, query.limit + 1);
      const pageRows = rows.slice(0, query.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map(toEvent),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor([last.occurredAt.toISOString(), last.id]) : null,
      });
    },
  };
}
