import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import { ListTemplatesQuery, Template, TemplatePage } from '#contract/api/templates';
import type { TemplateService } from '../../domain/templates/template-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap, keyOr } from '../responses';

/** `/api/v1/templates`: templates synced from the organization's WABAs (every member may read). */
export const templateRoutes: FastifyPluginAsyncZod<{ templates: TemplateService }> = async (
  app,
  { templates },
) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['templates'], security: bearer };
  app.get(
    '/',
    {
      config: { scope: 'templates:read' },
      schema: {
        ...common,
        security: keyOr('templates:read'),
        summary: 'List templates (filter by status, language, number, name)',
        querystring: ListTemplatesQuery,
        response: { 200: TemplatePage, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await templates.list(p.organizationId, p, req.query));
    },
  );
  app.get(
    '/:id',
    {
      config: { scope: 'templates:read' },
      schema: {
        ...common,
        security: keyOr('templates:read'),
        summary: 'One template',
        params: IdParams,
        response: { 200: Template, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await templates.get(p.organizationId, p, req.params.id));
    },
  );
};
