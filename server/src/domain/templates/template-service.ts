import { and, asc, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  TemplateStatus,
  type ListTemplatesQuery,
  type Template,
  type TemplateButton,
  type TemplateComponent,
  type TemplatePage,
} from '#contract/api/templates';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { encodeCursor, parseCursor } from '../cursor';
import { ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import type { Template as MetaTemplate } from '../../meta/graph-client';
import type { TemplateStatusEvent } from '../../meta/normalize';
import { rowsOf, type Change } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { templates } from '../../storage/schema/index';

/** A templates row. */
export type TemplateRow = typeof templates.$inferSelect;

const HEADER_FORMATS = new Set(['TEXT', 'IMAGE', 'VIDEO', 'GIF', 'DOCUMENT', 'LOCATION']);
type Raw = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Meta's components (stored verbatim, so the send path sees examples, URL suffixes…) projected
 * onto the contract's four kinds; component kinds the contract does not know are left out.
 */
export function toContractComponents(raw: unknown): TemplateComponent[] {
  if (!Array.isArray(raw)) return [];
  const out: TemplateComponent[] = [];
  for (const c of raw as Raw[]) {
    const type = str(c?.type)?.toUpperCase();
    if (type === 'HEADER') {
      const format = str(c.format)?.toUpperCase();
      if (format && HEADER_FORMATS.has(format))
        out.push({
          type: 'HEADER',
          format: format as 'TEXT',
          ...(str(c.text) !== undefined && { text: str(c.text)! }),
        });
    } else if (type === 'BODY' || type === 'FOOTER') out.push({ type, text: str(c.text) ?? '' });
    else if (type === 'BUTTONS' && Array.isArray(c.buttons)) {
      const buttons: TemplateButton[] = (c.buttons as Raw[]).map((b) => ({
        type: str(b?.type) ?? 'UNKNOWN',
        text: str(b?.text) ?? '',
        ...(str(b?.url) !== undefined && { url: str(b.url)! }),
        ...(str(b?.phone_number) !== undefined && { phoneNumber: str(b.phone_number)! }),
      }));
      out.push({ type: 'BUTTONS', buttons });
    }
  }
  return out;
}

/** A row as the contract's Template. */
export const toTemplate = (row: TemplateRow): Template => ({
  id: row.id,
  whatsappAccountId: row.whatsappAccountId,
  metaTemplateId: row.metaTemplateId,
  name: row.name,
  language: row.language,
  category: row.category,
  status: TemplateStatus.safeParse(row.status).data ?? 'PENDING',
  parameterFormat: row.parameterFormat === 'NAMED' ? 'NAMED' : 'POSITIONAL',
  components: toContractComponents(row.components),
  statusReason: row.statusReason,
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * What a `message_template_status_update` event does to the stored status (digest §7). Events
 * that are not a status (FLAGGED, LOCKED: quality notices) keep the status and record the reason.
 */
const STATUS_OF_EVENT: Record<string, string | null> = {
  APPROVED: 'APPROVED',
  REJECTED: 'REJECTED',
  PENDING: 'PENDING',
  PAUSED: 'PAUSED',
  DISABLED: 'DISABLED',
  IN_APPEAL: 'IN_APPEAL',
  PENDING_DELETION: 'PENDING_DELETION',
  DELETED: 'DELETED',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  ARCHIVED: 'ARCHIVED',
  REINSTATED: 'APPROVED',
  UNARCHIVED: 'APPROVED',
  FLAGGED: null,
  LOCKED: null,
};

/**
 * Applies template status events of one account inside the ingest transaction (matched by
 * Meta's template id, digest §10.9). Returns the log changes; unknown templates are skipped.
 */
export async function applyTemplateStatusEvents(
  tx: Tx,
  organizationId: string,
  whatsappAccountId: string,
  events: TemplateStatusEvent[],
  now: Date,
): Promise<{ changes: Change[]; unknown: string[] }> {
  const changes: Change[] = [];
  const unknown: string[] = [];
  for (const e of events) {
    if (!(e.event in STATUS_OF_EVENT)) {
      unknown.push(e.templateId);
      continue;
    }
    const status = STATUS_OF_EVENT[e.event];
    const reason = e.reason && e.reason !== 'NONE' ? e.reason : null;
    const rows = await tx
      .update(templates)
      .set({
        ...(status && { status }),
        statusReason: reason,
        updatedAt: now,
      })
      .where(
        and(
          eq(templates.organizationId, organizationId),
          eq(templates.whatsappAccountId, whatsappAccountId),
          eq(templates.metaTemplateId, e.templateId),
        ),
      )
      .returning({ id: templates.id });
    if (rows.length === 0) unknown.push(e.templateId);
    for (const r of rows) changes.push({ entity: 'template', entityId: r.id });
  }
  return { changes, unknown };
}

/**
 * Mirrors Meta's full template list for one account in `tx`: upserts what changed (one
 * statement) and marks templates Meta no longer lists as DELETED (one statement).
 */
export async function mirrorTemplates(
  tx: Tx,
  organizationId: string,
  whatsappAccountId: string,
  list: MetaTemplate[],
  now: Date,
): Promise<{ changed: string[]; markedDeleted: string[] }> {
  const byKey = new Map<string, MetaTemplate>();
  for (const t of list) byKey.set(`${t.name}\0${t.language}`, t);
  const unique = [...byKey.values()];
  const json = JSON.stringify(
    unique.map((t) => ({
      id: t.id,
      name: t.name,
      language: t.language,
      category: t.category,
      status: t.status,
      pf: t.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
      components: t.components,
    })),
  );
  const changed =
    unique.length === 0
      ? []
      : rowsOf<{ id: string }>(
          await tx.execute(sql`
            insert into templates (organization_id, whatsapp_account_id, meta_template_id, name, language, category,
              status, parameter_format, components, created_at, updated_at)
            select ${organizationId}, ${whatsappAccountId}, t.id, t.name, t.language, t.category, t.status, t.pf,
              t.components, ${now}, ${now}
            from json_to_recordset(${json}::json) as t(id text, name text, language text, category text, status text,
              pf text, components jsonb)
            on conflict (organization_id, whatsapp_account_id, name, language) do update set
              meta_template_id = excluded.meta_template_id, category = excluded.category, status = excluded.status,
              parameter_format = excluded.parameter_format, components = excluded.components,
              status_reason = case when templates.status = excluded.status then templates.status_reason end,
              updated_at = excluded.updated_at
            where (templates.meta_template_id, templates.category, templates.status, templates.parameter_format,
                templates.components)
              is distinct from (excluded.meta_template_id, excluded.category, excluded.status,
                excluded.parameter_format, excluded.components)
            returning id`),
        ).map((r) => r.id);
  const keys = JSON.stringify(unique.map((t) => ({ n: t.name, l: t.language })));
  const markedDeleted = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update templates set status = 'DELETED', status_reason = null, updated_at = ${now}
      where organization_id = ${organizationId} and whatsapp_account_id = ${whatsappAccountId}
        and status <> 'DELETED'
        and not exists (select 1 from json_to_recordset(${keys}::json) as k(n text, l text)
                        where k.n = templates.name and k.l = templates.language)
      returning id`),
  ).map((r) => r.id);
  return { changed, markedDeleted };
}

/** [name, language, id]. */
const Cursor = z.tuple([z.string(), z.string(), z.uuid()]);

/** Read side of templates: every member may list (templates are tenant-public). */
export type TemplateService = ReturnType<typeof createTemplateService>;

/** Creates the template read service. */
export function createTemplateService(deps: { db: Db; clock: Clock }) {
  const { db } = deps;
  return {
    /** A page by name, language, id, with the filters of ListTemplatesQuery. */
    list: async (
      organizationId: string,
      _actor: Principal,
      q: ListTemplatesQuery,
    ): Promise<Result<TemplatePage>> => {
      const cursor = parseCursor(q.cursor, Cursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value;
      const where: (SQL | undefined)[] = [
        eq(templates.organizationId, organizationId),
        q.status ? eq(templates.status, q.status) : undefined,
        q.language ? eq(templates.language, q.language) : undefined,
        q.whatsappAccountId ? eq(templates.whatsappAccountId, q.whatsappAccountId) : undefined,
        q.q ? ilike(templates.name, `%${escapeLike(q.q)}%`) : undefined,
        after
          ? or(
              gt(templates.name, after[0]),
              and(eq(templates.name, after[0]), gt(templates.language, after[1])),
              and(eq(templates.name, after[0]), eq(templates.language, after[1]), gt(templates.id, after[2])),
            )
          : undefined,
      ];
      const rows = await db
        .select()
        .from(templates)
        .where(and(...where))
        .orderBy(asc(templates.name), asc(templates.language), asc(templates.id))
        .limit(q.limit + 1);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map(toTemplate),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.language, last.id]) : null,
      });
    },
    /** One template; 404 for other organizations' ids. */
    get: async (organizationId: string, _actor: Principal, id: string): Promise<Result<Template>> => {
      const [row] = await db
        .select()
        .from(templates)
        .where(and(eq(templates.organizationId, organizationId), eq(templates.id, id)));
      return row ? ok(toTemplate(row)) : notFound('Template');
    },
  };
}

/** Escapes LIKE wildcards in user input. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
