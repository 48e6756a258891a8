import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Organization, UpdateOrganizationBody } from '#contract/api/organization';
import type { OrganizationService } from '../../domain/organization/organization-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, nonEmpty, unwrap } from '../responses';

/** `/api/v1/organization`: the caller's organization and its settings. Admin-only. */
export const organizationRoutes: FastifyPluginAsyncZod<{ organization: OrganizationService }> = async (
  app,
  { organization },
) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['organization'], security: bearer };
  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: 'The organization and its settings (admin)',
        response: { 200: Organization, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await organization.get(p.organizationId, p));
    },
  );
  app.patch(
    '/',
    {
      schema: {
        ...common,
        summary: 'Rename the organization or change whether agents see all team conversations (admin)',
        body: nonEmpty(UpdateOrganizationBody),
        response: { 200: Organization, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await organization.update(p.organizationId, p, req.body, req.ip));
    },
  );
};
