import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ListQuarantineQuery, QuarantinePage } from '#contract/api/webhook-quarantine';
import type { WebhookQuarantine } from '../../domain/whatsapp/webhook-quarantine';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap } from '../responses';

/** `/api/v1/webhook-quarantine`: webhook events stored sanitised or not applied, for admins. */
export const quarantineRoutes: FastifyPluginAsyncZod<{
  quarantine: Pick<WebhookQuarantine, 'list'>;
}> = async (app, { quarantine }) => {
  app.addHook('preHandler', app.requireAuth);
  app.get(
    '/',
    {
      schema: {
        tags: ['webhooks'],
        security: bearer,
        summary: 'List quarantined webhook events (admin)',
        description:
          'Webhook events Parley could not store exactly as Meta sent them: `sanitized` (stored with ' +
          'U+0000 or unpaired surrogates replaced by U+FFFD), `failed` (not applied; the other events ' +
          'of the same POST were), `receipt_failed` (a whole POST kept failing). Each is also in the ' +
          'audit log (`webhook.*`). Newest first, keyset paged; filter by `outcome`.',
        querystring: ListQuarantineQuery,
        response: { 200: QuarantinePage, ...errors(...AUTHED, 403) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await quarantine.list(p.organizationId, p, req.query));
    },
  );
};
