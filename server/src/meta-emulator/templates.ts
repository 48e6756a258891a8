// Graph message templates (digest §7): listing with cursor paging (`paging.cursors.after` and
// `paging.next`) and a status filter; the control API adds templates and changes their status,
// which sends `message_template_status_update`. Template sends are checked in send-validation.ts.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context';
import type { GraphHttp } from './graph-http';
import type { EmulatorTemplate } from './send-validation';
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
): { control: TemplatesControl; register(app: FastifyInstance): void } {
  const { state } = ctx;
  const { fail, authorize, objectMissing, baseUrlOf } = graph;

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
  };

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
  }

  return { control, register };
}
