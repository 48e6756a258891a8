import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  CreateTemplateBody,
  EditTemplateBody,
  ListTemplatesQuery,
  Template,
  TemplatePage,
} from '#contract/api/templates';
import type { TemplateAdmin } from '../../domain/templates/template-admin';
import type { TemplateService } from '../../domain/templates/template-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, unwrap, keyOr } from '../responses';

/**
 * `/api/v1/templates`: templates synced from the organization's WABAs (every member may read);
 * admins submit new ones to Meta and delete them there. Creation and deletion declare no API-key
 * scope: they are administration, refused to keys like the other admin routes.
 */
export const templateRoutes: FastifyPluginAsyncZod<{
  templates: TemplateService;
  admin: TemplateAdmin;
}> = async (app, { templates, admin }) => {
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
  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: 'Submit a template to Meta for review (admin); stored as PENDING until Meta decides',
        body: CreateTemplateBody,
        response: { 201: Template, ...errors(...AUTHED, 403, 404, 409, 422, 502) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await admin.create(p.organizationId, p, req.body, req.ip)));
    },
  );
  app.put(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Edit a template at Meta (admin); Meta reviews it again, PENDING until it decides',
        description:
          'Replaces the template’s content. Name, language and number stay; the category changes only while the template is not approved. Meta lets an approved template be edited once in 24 hours and ten times in 30 days; rejected and paused ones without limit. Only approved, rejected and paused templates can be edited (409 otherwise).',
        params: IdParams,
        body: EditTemplateBody,
        response: { 200: Template, ...errors(...AUTHED, 403, 404, 409, 422, 502) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await admin.edit(p.organizationId, p, req.params.id, req.body, req.ip));
    },
  );
  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Delete a template at Meta (admin); this language only, marked DELETED',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404, 409, 422, 502) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await admin.delete(p.organizationId, p, req.params.id, req.ip));
      return reply.code(204).send(null);
    },
  );
};
