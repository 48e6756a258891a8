import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MessageUsage, Organization, UpdateOrganizationBody } from '#contract/api/organization';
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
        summary: 'Change the organization’s settings (admin)',
        description:
          'Renames the organization, changes whether agents see all team conversations, its time zone, business hours and away message, the default number `POST /api/v1/messages` sends from when the caller names none (`defaultWhatsappAccountId`, a connected number of the organization, or null), and its own monthly quota of outbound messages (`monthlyMessageQuota`, or null for the server’s default `MONTHLY_MESSAGE_QUOTA`).',
        body: nonEmpty(UpdateOrganizationBody),
        response: { 200: Organization, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await organization.update(p.organizationId, p, req.body, req.ip));
    },
  );
  app.get(
    '/usage',
    {
      schema: {
        ...common,
        summary: 'Outbound messages this month against the quota (admin)',
        description:
          'How many outbound messages the organization sent this calendar month (UTC), the monthly quota in force (the organization’s own, else the server’s default; null = unlimited) and when the count starts again. Sends over the quota are refused with 429 `quota_exceeded`.',
        response: { 200: MessageUsage, ...errors(...AUTHED, 403) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await organization.usage(p.organizationId, p));
    },
  );
};
