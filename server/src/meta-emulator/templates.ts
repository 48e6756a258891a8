// Graph message templates (digest §7): listing with cursor paging (`paging.cursors.after` and
// `paging.next`) and a status filter; creation (checked in template-creation.ts, answered
// `{id, status: "PENDING", category}`, then reviewed after `reviewDelayMs` with the status
// webhook), edits (`POST /{template-id}`, Meta's rules and limits, then reviewed again) and
// deletion by name (all languages) or by `hsm_id` + name (one). The control API
// adds templates and changes their status, which sends `message_template_status_update`.
// Template sends are checked in send-validation.ts.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context';
import type { GraphHttp } from './graph-http';
import { isUploadId, type ResumableUploads } from './resumable-uploads';
import type { EmulatorTemplate } from './send-validation';
import { checkTemplateEdit } from './template-edit';
import { checkTemplateCreation, reviewOutcome } from './template-creation';
import { buildEnvelope, buildTemplateStatusEntry } from './webhook-builders';
import type { DeliveryRecord } from './webhook-sender';

/** The templates part of the control API. */
export interface TemplatesControl {
  addTemplate(wabaId: string, t: Omit<EmulatorTemplate, 'id'> & { id?: string }): EmulatorTemplate;
  /** Changes a template's status and sends `message_template_status_update`. */
  setTemplateStatus(
    wabaId: string,
    templateId: string,
    status: string,
    reason?: string,
  ): Promise<DeliveryRecord | null>;
  /** How long Meta's review of a created template takes (ms) before the status webhook. */
  setTemplateReviewDelay(ms: number): void;
}

/** A template in the GET shape. */
function templateJson(t: EmulatorTemplate) {
  return {
    name: t.name,
    parameter_format: t.parameterFormat,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
  };
}

/** Creates the templates area: its control methods and `register` for its route. */
export function createTemplates(
  ctx: EmulatorContext,
  graph: GraphHttp,
  opts: { reviewDelayMs?: number | undefined; uploads?: ResumableUploads } = {},
): { control: TemplatesControl; register(app: FastifyInstance): void } {
  const { state } = ctx;
  let reviewDelayMs = opts.reviewDelayMs ?? 1500;
  const { fail, authorize, objectMissing, baseUrlOf } = graph;
  const knownHandle = opts.uploads ? (h: string) => opts.uploads!.byHandle(h)?.fileType ?? null : undefined;

  const control: TemplatesControl = {
    addTemplate(wabaId, t) {
      const w = state.wabas.get(wabaId);
      if (!w) throw new Error(`unknown WABA ${wabaId}`);
      const tpl: EmulatorTemplate = { ...t, id: t.id ?? ctx.digits(15) };
      w.templates.push(tpl);
      return tpl;
    },
    async setTemplateStatus(wabaId, templateId, status, reason) {
      const w = state.wabas.get(wabaId);
      const tpl = w?.templates.find((t) => t.id === templateId);
      if (!w || !tpl) throw new Error(`unknown template ${templateId}`);
      tpl.status = status;
      const phone = w.phoneNumberIds.map((id) => state.phoneNumbers.get(id)!).find((p) => p.webhook);
      if (!phone) return null;
      const entry = buildTemplateStatusEntry(w.id, {
        event: status,
        templateId: Number(tpl.id),
        name: tpl.name,
        // The status webhook uses a hyphen (digest §10.9).
        language: tpl.language.replace('_', '-'),
        reason: reason ?? 'NONE',
        category: tpl.category,
        timeSeconds: ctx.nowSeconds(),
      });
      return ctx.deliverTo(phone, buildEnvelope([entry]));
    },
    setTemplateReviewDelay(ms) {
      reviewDelayMs = ms;
    },
  };

  /** Meta's review of a new template: approved, or rejected with a reason, then the webhook. */
  const review = (wabaId: string, tpl: EmulatorTemplate) =>
    ctx.later(reviewDelayMs, () => {
      // Deleted (or decided through the control API) meanwhile: nothing left to review, and Meta
      // sends no status for it.
      if (tpl.status !== 'PENDING' || !state.wabas.get(wabaId)?.templates.includes(tpl)) return;
      const outcome = reviewOutcome(tpl);
      void control.setTemplateStatus(
        wabaId,
        tpl.id,
        outcome.status,
        'reason' in outcome ? outcome.reason : 'NONE',
      );
    });

  function register(app: FastifyInstance): void {
    app.get<{
      Params: { version: string; id: string };
      Querystring: { limit?: string; after?: string; status?: string };
    }>('/:version/:id/message_templates', async (req, reply) => {
      const waba = state.wabas.get(req.params.id);
      if (!authorize(req, reply, waba ? waba.id : null)) return reply;
      if (!waba) return objectMissing(reply, req.params.id);
      const limit = Math.min(Math.max(Number(req.query.limit ?? 25) || 25, 1), 1000);
      const list = req.query.status
        ? waba.templates.filter((t) => t.status === req.query.status!.toUpperCase())
        : waba.templates;
      let start = 0;
      if (req.query.after) {
        const decoded = Number(Buffer.from(req.query.after, 'base64url').toString());
        if (!Number.isInteger(decoded) || decoded < 0)
          return fail(reply, 100, { title: 'Invalid parameter', details: 'Invalid cursor' });
        start = decoded;
      }
      const page = list.slice(start, start + limit);
      const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
      const paging: Record<string, unknown> = {
        cursors: { before: cursor(start), after: cursor(start + page.length) },
      };
      if (start + page.length < list.length) {
        const next = new URL(`${baseUrlOf(req)}/${req.params.version}/${waba.id}/message_templates`);
        next.searchParams.set('limit', String(limit));
        if (req.query.status) next.searchParams.set('status', req.query.status);
        next.searchParams.set('after', cursor(start + page.length));
        paging.next = next.toString();
      }
      return reply.send({ data: page.map(templateJson), paging });
    });

    app.post<{ Params: { version: string; id: string } }>(
      '/:version/:id/message_templates',
      async (req, reply) => {
        const waba = state.wabas.get(req.params.id);
        if (!authorize(req, reply, waba ? waba.id : null)) return reply;
        if (!waba) return objectMissing(reply, req.params.id);
        const checked = checkTemplateCreation(req.body, waba.templates, knownHandle);
        if (!checked.ok) {
          const { code, ...extra } = checked.error;
          return fail(reply, code, extra);
        }
        // A DELETED template of the same name and language is replaced (Meta keeps ids unique).
        waba.templates = waba.templates.filter(
          (t) => !(t.name === checked.value.name && t.language === checked.value.language),
        );
        const tpl: EmulatorTemplate = { ...checked.value, id: ctx.digits(15), status: 'PENDING' };
        waba.templates.push(tpl);
        review(waba.id, tpl);
        return reply.send({ id: tpl.id, status: tpl.status, category: tpl.category });
      },
    );

    // Editing: the id is the template's own. GET /{id} (phone numbers, media) is another route.
    app.post<{ Params: { version: string; id: string } }>('/:version/:id', async (req, reply) => {
      // The Resumable Upload API's node shares the path: `POST /upload:{id}` sends file bytes.
      if (opts.uploads && isUploadId(req.params.id)) return opts.uploads.send(req, reply);
      const waba = [...state.wabas.values()].find((w) => w.templates.some((t) => t.id === req.params.id));
      if (!authorize(req, reply, waba ? waba.id : null)) return reply;
      const tpl = waba?.templates.find((t) => t.id === req.params.id && t.status !== 'DELETED');
      if (!waba || !tpl) return objectMissing(reply, req.params.id);
      const checked = checkTemplateEdit(tpl, req.body, ctx.now(), knownHandle);
      if (!checked.ok) {
        const { code, ...extra } = checked.error;
        return fail(reply, code, extra);
      }
      if (tpl.status === 'APPROVED') tpl.edits = [...(tpl.edits ?? []), ctx.now()];
      Object.assign(tpl, checked.value, { status: 'PENDING' });
      review(waba.id, tpl);
      return reply.send({ success: true });
    });

    app.delete<{
      Params: { version: string; id: string };
      Querystring: { name?: string; hsm_id?: string };
    }>('/:version/:id/message_templates', async (req, reply) => {
      const waba = state.wabas.get(req.params.id);
      if (!authorize(req, reply, waba ? waba.id : null)) return reply;
      if (!waba) return objectMissing(reply, req.params.id);
      const { name, hsm_id: hsmId } = req.query;
      if (!name) return fail(reply, 100, { title: 'Invalid parameter', details: 'Param name is required.' });
      const victims = waba.templates.filter(
        (t) => t.name === name && t.status !== 'DELETED' && (!hsmId || t.id === hsmId),
      );
      if (victims.length === 0)
        return fail(reply, 100, {
          title: 'Invalid parameter',
          details: `Message template "${name}" not found.`,
          subcode: 2593002,
        });
      const gone = new Set(victims);
      waba.templates = waba.templates.filter((t) => !gone.has(t));
      return reply.send({ success: true });
    });
  }

  return { control, register };
}
