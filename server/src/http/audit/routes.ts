import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditEventPage, ListAuditEventsQuery } from '#contract/api/audit';
import type { AuditLog } from '../../domain/audit/audit-log';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap } from '../responses';

/** `/api/v1/audit-events`: the organization's audit log, for admins. */
export const auditRoutes: FastifyPluginAsyncZod<{ audit: Pick<AuditLog, 'list'> }> = async (
  app,
  { audit },
) => {
  app.addHook('preHandler', app.requireAuth);
  app.get(
    '/',
    {
      schema: {
        tags: ['audit'],
        security: bearer,
        summary: 'List audit events (admin)',
        description:
          'Who did what and when in the organization: members, roles, teams, WhatsApp numbers and ' +
          'settings. Newest first, keyset paged (`nextCursor`). Filter by `action` (an exact action ' +
          'such as `member.role_changed`, or a subject prefix such as `member.*`), `actorId`, ' +
          '`targetType` (with `targetId`), and a time range: `since` inclusive, `until` exclusive. ' +
          'Each event is recorded in the transaction of its change, so it exists exactly when the ' +
          'change committed. Details never contain secrets.',
        querystring: ListAuditEventsQuery,
        response: { 200: AuditEventPage, ...errors(...AUTHED, 403) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await audit.list(p.organizationId, p, req.query));
    },
  );
};
