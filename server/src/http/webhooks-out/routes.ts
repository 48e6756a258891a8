import type { ApiScope } from '#contract/api/api-keys';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  CreateWebhookBody,
  ListWebhookDeliveriesQuery,
  ListWebhooksQuery,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookDeliveryParams,
  WebhookEndpoint,
  WebhookEndpointPage,
  WebhookEndpointWithSecret,
  WebhookTestResult,
} from '#contract/api/webhooks';
import type { WebhookEndpointService } from '../../domain/webhooks/endpoint-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, errors, keyOr, NoContent, nonEmpty, unwrap } from '../responses';

/** The API-key scope these routes accept (the route table carries it). */
export const WEBHOOKS_SCOPE = 'webhooks:manage' satisfies ApiScope;

const VERIFY = `Every delivery is signed per [Standard Webhooks](https://www.standardwebhooks.com/):
headers \`webhook-id\` (the same on every retry), \`webhook-timestamp\` and \`webhook-signature\`
(\`v1,<base64 HMAC-SHA256 of "id.timestamp.body">\`, two of them during a secret rotation).
Verify with the reference library, on the raw body:

Node.js (\`npm install standardwebhooks\`):

    import { Webhook } from 'standardwebhooks';
    const payload = new Webhook(process.env.PARLEY_WEBHOOK_SECRET).verify(rawBody, req.headers);

Python (\`pip install standardwebhooks\`):

    from standardwebhooks.webhooks import Webhook
    payload = Webhook(os.environ["PARLEY_WEBHOOK_SECRET"]).verify(raw_body, request.headers)

Both throw when the signature or timestamp is wrong. Deduplicate on \`webhook-id\`; order objects
by \`data.changeSeq\`.`;

/** `/api/v1/webhooks`: outgoing webhook endpoints and their deliveries (admins). */
export const webhookOutRoutes: FastifyPluginAsyncZod<{ endpoints: WebhookEndpointService }> = async (
  app,
  { endpoints },
) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['webhooks'], security: keyOr(WEBHOOKS_SCOPE) };
  const config = { scope: WEBHOOKS_SCOPE } as const;
  app.get(
    '/',
    {
      config,
      schema: {
        ...common,
        summary: 'List webhook endpoints (admin)',
        querystring: ListWebhooksQuery,
        response: { 200: WebhookEndpointPage, ...errors(...AUTHED, 403) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await endpoints.list(p.organizationId, p, req.query));
    },
  );
  app.post(
    '/',
    {
      config,
      schema: {
        ...common,
        summary: 'Register a webhook endpoint (admin); its secret is shown only here',
        description: VERIFY,
        body: CreateWebhookBody,
        response: { 201: WebhookEndpointWithSecret, ...errors(...AUTHED, 403) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await endpoints.create(p.organizationId, p, req.body, req.ip)));
    },
  );
  app.get(
    '/:id',
    {
      config,
      schema: {
        ...common,
        summary: 'One webhook endpoint (admin)',
        params: IdParams,
        response: { 200: WebhookEndpoint, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await endpoints.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      config,
      schema: {
        ...common,
        summary: 'Change a webhook endpoint (admin); enabling clears the disabled reason',
        params: IdParams,
        body: nonEmpty(UpdateWebhookBody),
        response: { 200: WebhookEndpoint, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await endpoints.update(p.organizationId, p, req.params.id, req.body, req.ip));
    },
  );
  app.delete(
    '/:id',
    {
      config,
      schema: {
        ...common,
        summary: 'Delete a webhook endpoint and its deliveries (admin)',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await endpoints.remove(p.organizationId, p, req.params.id, req.ip));
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/:id/test',
    {
      config,
      schema: {
        ...common,
        summary: 'Deliver a webhook.test event now and answer its attempt (admin)',
        params: IdParams,
        response: { 200: WebhookTestResult, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await endpoints.test(p.organizationId, p, req.params.id));
    },
  );
  app.post(
    '/:id/rotate-secret',
    {
      config,
      schema: {
        ...common,
        summary: 'Rotate the signing secret (admin); the old one keeps signing for 24 hours',
        params: IdParams,
        response: { 200: WebhookEndpointWithSecret, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await endpoints.rotateSecret(p.organizationId, p, req.params.id, req.ip));
    },
  );
  app.get(
    '/:id/deliveries',
    {
      config,
      schema: {
        ...common,
        summary: "An endpoint's deliveries, newest first, with their attempts (admin)",
        params: IdParams,
        querystring: ListWebhookDeliveriesQuery,
        response: { 200: WebhookDeliveryPage, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await endpoints.deliveries(p.organizationId, p, req.params.id, req.query));
    },
  );
  app.post(
    '/:id/deliveries/:deliveryId/retry',
    {
      config,
      schema: {
        ...common,
        summary: 'Attempt a delivery again now (admin)',
        params: WebhookDeliveryParams,
        response: { 202: WebhookDelivery, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply
        .code(202)
        .send(unwrap(await endpoints.retry(p.organizationId, p, req.params.id, req.params.deliveryId)));
    },
  );
};
