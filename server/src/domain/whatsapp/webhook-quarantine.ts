import { and, desc, eq, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import type {
  ListQuarantineQuery,
  QuarantineOutcome,
  QuarantinePage,
  QuarantinedWebhookEvent,
} from '#contract/api/webhook-quarantine';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import { systemActor, type AuditRecorder } from '../audit/audit-log';
import { cleanJson, cleanText } from '../audit/sanitize';
import type { Principal } from '../auth/auth-service';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import type { Db } from '../../storage/db';
import { webhookQuarantine } from '../../storage/schema/index';

const REPLACEMENT = '\uFFFD';
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this must find
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `value` with every string (in plain objects and arrays, keys too) cleaned of what PostgreSQL
 * text/jsonb cannot hold: U+0000 and unpaired surrogates become U+FFFD. `changed` says whether
 * anything was replaced (the event is then stored flagged, see {@link WebhookQuarantine}).
 * Dates and other class instances are kept as they are.
 */
export function sanitizeDeep<T>(value: T): { value: T; changed: boolean } {
  let changed = false;
  const clean = (s: string) => {
    const out = s.replace(UNSTORABLE, REPLACEMENT);
    if (out !== s) changed = true;
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return clean(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k), walk(x)]));
    return v;
  };
  const out = walk(value) as T;
  return { value: out, changed };
}

/** One event (or receipt) to put in quarantine. */
export type QuarantineInput = {
  organizationId: string | null;
  whatsappAccountId: string | null;
  receiptId: number;
  outcome: QuarantineOutcome;
  eventKind?: string | null;
  externalId?: string | null;
  event?: unknown;
  error?: string | null;
};

/** The webhook quarantine: `record` in the processor's transaction, `list` for admins. */
export type WebhookQuarantine = ReturnType<typeof createWebhookQuarantine>;

const Cursor = z.tuple([cursorIsoTime, z.uuid()]);

const summaryOf = (q: QuarantineInput) =>
  q.outcome === 'sanitized'
    ? `Stored a webhook ${q.eventKind ?? 'event'} with characters that cannot be stored replaced by U+FFFD`
    : q.outcome === 'failed'
      ? `Quarantined a webhook ${q.eventKind ?? 'event'} that could not be applied`
      : 'Quarantined a webhook receipt that kept failing';

/**
 * Where webhook events Parley could not store as sent go, so none is ever given up silently
 * (issue 9, finding 1). Each entry is also an audit event of its organization (system actor), so
 * admins find it in the audit log as well as in `GET /api/v1/webhook-quarantine`.
 */
export function createWebhookQuarantine(deps: { db: Db; audit: AuditRecorder }) {
  const { db, audit } = deps;
  return {
    /** Stores `rows` in `tx` (the caller's transaction), with their audit events. */
    record: async (tx: Db, rows: readonly QuarantineInput[]): Promise<void> => {
      if (rows.length === 0) return;
      await tx.insert(webhookQuarantine).values(
        rows.map((q) => ({
          organizationId: q.organizationId,
          whatsappAccountId: q.whatsappAccountId,
          receiptId: q.receiptId,
          outcome: q.outcome,
          eventKind: q.eventKind ?? null,
          externalId: q.externalId == null ? null : cleanText(q.externalId, 500),
          event: q.event == null ? null : (cleanJson(q.event) as Record<string, unknown>),
          error: q.error == null ? null : cleanText(q.error, 2000),
        })),
      );
      for (const q of rows) {
        if (!q.organizationId) continue;
        await audit.record(tx, q.organizationId, systemActor('WhatsApp webhooks'), {
          action: q.outcome === 'sanitized' ? 'webhook.event_sanitized' : 'webhook.event_quarantined',
          target: {
            type: 'webhook_receipt',
            id: String(q.receiptId),
            label: q.externalId ?? `receipt ${q.receiptId}`,
          },
          summary: summaryOf(q),
          details: { outcome: q.outcome, eventKind: q.eventKind ?? null, error: q.error ?? null },
        });
      }
    },

    /** A newest-first page of the organization's quarantined events (admins only). */
    list: async (
      organizationId: string,
      principal: Principal,
      query: ListQuarantineQuery,
    ): Promise<Result<QuarantinePage>> => {
      if (!atLeast(principal.role, 'admin'))
        return fail('forbidden', 'Only admins can read the webhook quarantine');
      const cursor = parseCursor(query.cursor, Cursor);
      if (!cursor.ok) return cursor;
      const q = webhookQuarantine;
      const after = cursor.value;
      const rows = await db
        .select()
        .from(q)
        .where(
          and(
            eq(q.organizationId, organizationId),
            query.outcome ? eq(q.outcome, query.outcome) : undefined,
            after
              ? or(lt(q.createdAt, after[0]), and(eq(q.createdAt, after[0]), lt(q.id, after[1])))
              : undefined,
          ),
        )
        .orderBy(desc(q.createdAt), desc(q.id))
        .limit(query.limit + 1);
      const pageRows = rows.slice(0, query.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map((r): QuarantinedWebhookEvent => ({
          id: r.id,
          receiptId: r.receiptId,
          whatsappAccountId: r.whatsappAccountId,
          outcome: r.outcome,
          eventKind: r.eventKind,
          externalId: r.externalId,
          event: r.event ?? null,
          error: r.error,
          createdAt: r.createdAt.toISOString(),
        })),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },
  };
}
