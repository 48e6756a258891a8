import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ReportOverview, ReportRangeQuery } from '#contract/api/reports';
import type { ReportService } from '../../domain/reports/report-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap } from '../responses';

/** `/api/v1/reports/*`: the organization's reports, for managers and admins. */
export const reportRoutes: FastifyPluginAsyncZod<{ reports: ReportService }> = async (app, { reports }) => {
  app.addHook('preHandler', app.requireAuth);
  app.get(
    '/overview',
    {
      schema: {
        tags: ['reports'],
        security: bearer,
        summary: 'Reports overview for a range of days (manager, admin)',
        description:
          'Conversations opened (new and reopened) and resolved, messages in and out, first response ' +
          'time and resolution time (median and 90th percentile, in whole seconds; only time inside business ' +
          'hours counts when the organization has business hours), per day, per agent, per team and per ' +
          'WhatsApp number, and inbound messages per weekday and hour. `from` and `to` are inclusive ' +
          "local dates in the organization's time zone, at most 366 days apart. Agents are refused (403).",
        querystring: ReportRangeQuery,
        response: { 200: ReportOverview, ...errors(...AUTHED, 403) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await reports.overview(p.organizationId, p, req.query));
    },
  );
};
