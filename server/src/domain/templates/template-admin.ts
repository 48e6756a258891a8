import { and, eq, sql } from 'drizzle-orm';
import type { CreateTemplateBody, EditTemplateBody, Template } from '#contract/api/templates';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import { actorOf, type AuditEventInput, type AuditRecorder } from '../audit/audit-log';
import type { Clock } from '../../lib/clock';
import { notFound } from '../failure';
import type { GraphClient, GraphError } from '../../meta/graph-client';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { templates } from '../../storage/schema/index';
import type { AccountCredentials } from '../whatsapp/account-service';
import { storedComponents, storedFormat, templateGraphFailure, toCreation, toEdit } from './meta-template';
import { toTemplate, type TemplateRow } from './template-service';

export { templateGraphFailure, toCreation } from './meta-template';

// Creating and deleting templates at Meta (issue 12). Meta is the authority: a template is stored
// only after Meta accepted the submission (as PENDING, with Meta's id), and deleted here only after
// Meta deleted it. Status changes then arrive as `message_template_status_update` webhooks, which
// the inbound path applies by Meta's id (`applyTemplateStatusEvents`), logged for sync.

/** What the template admin needs. */
export type TemplateAdminDeps = {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  audit: AuditRecorder;
  /** An account's decrypted credentials (the account service's). */
  credentials(organizationId: string, id: string): Promise<AccountCredentials | undefined>;
  /** Meta said the token is invalid: flag the account (the account service's). */
  flagTokenInvalid(row: { organizationId: string; id: string }): Promise<void>;
};

const adminOnly = () => fail('forbidden', 'Only admins can create, edit or delete templates');

/** Statuses Meta lets an edit start from. */
const EDITABLE = new Set(['APPROVED', 'REJECTED', 'PAUSED']);

const templateTarget = (row: Pick<TemplateRow, 'id' | 'name' | 'language'>) => ({
  type: 'template',
  id: row.id,
  label: `${row.name} (${row.language})`,
});

/** Creates the template admin service: create and delete at Meta, admins only. */
export function createTemplateAdmin(deps: TemplateAdminDeps) {
  const { db, clock, graph, audit } = deps;

  /** The account's credentials, refusing disconnected numbers with a sentence. */
  const connected = async (
    organizationId: string,
    accountId: string,
  ): Promise<Result<AccountCredentials>> => {
    const creds = await deps.credentials(organizationId, accountId);
    if (!creds) return notFound('WhatsApp account');
    if (creds.status === 'disconnected')
      return fail('conflict', 'This number is disconnected. Connect it again to manage its templates.');
    return ok(creds);
  };

  const onGraphError = async (creds: AccountCredentials, e: GraphError) => {
    if (e.kind === 'meta' && e.metaCode === 190) await deps.flagTokenInvalid(creds);
  };

  return {
    /** Submits a template to Meta and stores it as Meta answered (PENDING), logged for sync. */
    create: async (
      organizationId: string,
      actor: Principal,
      body: CreateTemplateBody,
      ip: string | undefined,
    ): Promise<Result<Template>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const creds = await connected(organizationId, body.whatsappAccountId);
      if (!creds.ok) return creds;
      const creation = toCreation(body);
      const created = await graph.createTemplate(
        creds.value.businessAccountId,
        creds.value.accessToken,
        creation,
      );
      if (!created.ok) {
        await onGraphError(creds.value, created.error);
        return templateGraphFailure(created.error, body);
      }
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        // A DELETED row of the same name and language (Meta allows reusing a deleted name in
        // another language, or after its deletion completes) is replaced in place.
        const [saved] = await tx
          .insert(templates)
          .values({
            organizationId,
            whatsappAccountId: body.whatsappAccountId,
            metaTemplateId: created.value.id,
            name: body.name,
            language: body.language,
            category: created.value.category ?? body.category,
            status: created.value.status,
            parameterFormat: storedFormat(body),
            components: storedComponents(body),
            statusReason: null,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [
              templates.organizationId,
              templates.whatsappAccountId,
              templates.name,
              templates.language,
            ],
            set: {
              metaTemplateId: sql`excluded.meta_template_id`,
              category: sql`excluded.category`,
              status: sql`excluded.status`,
              parameterFormat: sql`excluded.parameter_format`,
              components: sql`excluded.components`,
              statusReason: null,
              updatedAt: now,
            },
          })
          .returning();
        const event: AuditEventInput = {
          action: 'template.created',
          target: templateTarget(saved!),
          summary: `Submitted template ${saved!.name} (${saved!.language}, ${saved!.category}) to Meta for review`,
          details: {
            whatsappAccountId: body.whatsappAccountId,
            category: saved!.category,
            metaTemplateId: saved!.metaTemplateId,
          },
        };
        await audit.record(tx, organizationId, actorOf(actor, ip), event);
        await recordChanges(tx, organizationId, [{ entity: 'template', entityId: saved!.id }]);
        return saved!;
      });
      return ok(toTemplate(row));
    },

    /**
     * Edits the template at Meta (`POST /{template-id}`) and stores it as PENDING with the new
     * components, logged for sync; Meta's review then arrives as the status webhook. Meta's own
     * limits (an approved template once a day, ten times a month) come back as its refusal.
     */
    edit: async (
      organizationId: string,
      actor: Principal,
      id: string,
      body: EditTemplateBody,
      ip: string | undefined,
    ): Promise<Result<Template>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const [row] = await db
        .select()
        .from(templates)
        .where(and(eq(templates.organizationId, organizationId), eq(templates.id, id)));
      if (!row || row.status === 'DELETED') return notFound('Template');
      if (!EDITABLE.has(row.status))
        return fail(
          'conflict',
          `This template is ${row.status.toLowerCase().replace(/_/g, ' ')}; Meta lets you edit only approved, rejected or paused templates.`,
        );
      if (!row.metaTemplateId)
        return fail('conflict', 'This template has no Meta id yet; sync the number’s templates first.');
      const issue = (path: string, message: string) =>
        fail('unprocessable', message, { fields: [{ path: `body.${path}`, message }] });
      if (body.category !== row.category && row.status === 'APPROVED')
        return issue(
          'category',
          'Meta does not let an approved template change its category; create a new template instead',
        );
      if ((row.category === 'AUTHENTICATION') !== (body.category === 'AUTHENTICATION'))
        return issue(
          'category',
          'An authentication template stays one, and other templates cannot become one; create a new template instead',
        );
      const creds = await connected(organizationId, row.whatsappAccountId);
      if (!creds.ok) return creds;
      const edited = await graph.editTemplate(
        row.metaTemplateId,
        creds.value.accessToken,
        toEdit(body, row.category),
      );
      if (!edited.ok) {
        await onGraphError(creds.value, edited.error);
        return templateGraphFailure(edited.error, row);
      }
      const saved = await db.transaction(async (tx) => {
        const [next] = await tx
          .update(templates)
          .set({
            category: body.category,
            status: 'PENDING',
            statusReason: null,
            parameterFormat: storedFormat(body),
            components: storedComponents(body),
            updatedAt: clock.now(),
          })
          .where(and(eq(templates.organizationId, organizationId), eq(templates.id, id)))
          .returning();
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'template.edited',
          target: templateTarget(row),
          summary: `Submitted changes to template ${row.name} (${row.language}) to Meta for review`,
          details: {
            before: { status: row.status, category: row.category },
            after: { status: 'PENDING', category: body.category },
          },
        });
        await recordChanges(tx, organizationId, [{ entity: 'template', entityId: id }]);
        return next!;
      });
      return ok(toTemplate(saved));
    },

    /** Deletes the template at Meta (this language only), then marks it DELETED, logged for sync. */
    delete: async (
      organizationId: string,
      actor: Principal,
      id: string,
      ip: string | undefined,
    ): Promise<Result<void>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const [row] = await db
        .select()
        .from(templates)
        .where(and(eq(templates.organizationId, organizationId), eq(templates.id, id)));
      if (!row) return notFound('Template');
      if (row.status === 'DELETED') return ok(undefined);
      const creds = await connected(organizationId, row.whatsappAccountId);
      if (!creds.ok) return creds;
      const deleted = await graph.deleteTemplate(creds.value.businessAccountId, creds.value.accessToken, row);
      // Meta no longer has it (deleted in WhatsApp Manager meanwhile): Parley follows.
      const gone =
        !deleted.ok &&
        deleted.error.kind === 'meta' &&
        deleted.error.metaCode === 100 &&
        /not (be )?found|does not exist/i.test(`${deleted.error.title} ${deleted.error.details ?? ''}`);
      if (!deleted.ok && !gone) {
        await onGraphError(creds.value, deleted.error);
        return templateGraphFailure(deleted.error, row);
      }
      await db.transaction(async (tx) => {
        await tx
          .update(templates)
          .set({ status: 'DELETED', statusReason: null, updatedAt: clock.now() })
          .where(and(eq(templates.organizationId, organizationId), eq(templates.id, id)));
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'template.deleted',
          target: templateTarget(row),
          summary: `Deleted template ${row.name} (${row.language}) at Meta`,
          details: { before: { status: row.status }, after: { status: 'DELETED' } },
        });
        await recordChanges(tx, organizationId, [{ entity: 'template', entityId: id }]);
      });
      return ok(undefined);
    },
  };
}

/** The template admin service. */
export type TemplateAdmin = ReturnType<typeof createTemplateAdmin>;
