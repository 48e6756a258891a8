import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  CreateIntakeBody,
  Intake,
  IntakePage,
  IntakeWithSecret,
  ListIntakesQuery,
  UpdateIntakeBody,
} from '#contract/api/intakes';
import type { IntakeService } from '../../domain/intakes/intake-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, nonEmpty, unwrap } from '../responses';

const MAPPING = `\`template\` names an approved template of the intake's number (\`name\`, \`language\`)
and where each of its parameters comes from: \`body\` is a list for numbered templates (\`{{1}}\`,
\`{{2}}\`…) and an object for named ones; \`header\` fills a text header's variable. Each source is a
lead field (\`"name"\`, or \`{"field": "product", "default": "our products"}\`) or a fixed
\`{"text": "…"}\`. The mapping is checked against the synced template when saved (400 naming the
problem). Example: \`{"name": "order_update", "language": "es", "body": ["name", "product", {"text": "hoy"}]}\`.`;

const EXAMPLE = {
  name: 'Website contact form',
  whatsappAccountId: '0190b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b',
  teamId: '0190b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7c',
  labels: ['lead', 'website'],
  template: {
    name: 'welcome_lead',
    language: 'en_US',
    body: ['name', { field: 'product', default: 'our range' }],
  },
};

/** `/api/v1/intakes`: lead intakes (admins; API keys never manage them). */
export const intakeRoutes: FastifyPluginAsyncZod<{ intakes: IntakeService }> = async (app, { intakes }) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['intakes'], security: bearer };
  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: 'List lead intakes (admin)',
        querystring: ListIntakesQuery,
        response: { 200: IntakePage, ...errors(...AUTHED, 403) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await intakes.list(p.organizationId, p, req.query));
    },
  );
  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: 'Create a lead intake (admin); its signing secret is shown only here',
        description:
          'Leads posted to the answer’s `url` land on `whatsappAccountId`, in `teamId`’s queue, with ' +
          '`labels`, and are greeted with `template`. ' +
          MAPPING +
          `\n\nExample body:\n\n    ${JSON.stringify(EXAMPLE)}`,
        body: CreateIntakeBody,
        response: { 201: IntakeWithSecret, ...errors(...AUTHED, 403) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await intakes.create(p.organizationId, p, req.ip, req.body)));
    },
  );
  app.get(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'One lead intake (admin)',
        params: IdParams,
        response: { 200: Intake, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await intakes.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Change a lead intake (admin); null clears the team or the template',
        description: MAPPING,
        params: IdParams,
        body: nonEmpty(UpdateIntakeBody),
        response: { 200: Intake, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await intakes.update(p.organizationId, p, req.ip, req.params.id, req.body));
    },
  );
  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Delete a lead intake (admin); its url then answers 404',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await intakes.remove(p.organizationId, p, req.ip, req.params.id));
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/:id/rotate-secret',
    {
      schema: {
        ...common,
        summary: 'Replace the signing secret (admin); the old one stops verifying at once',
        params: IdParams,
        response: { 200: IntakeWithSecret, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await intakes.rotateSecret(p.organizationId, p, req.ip, req.params.id));
    },
  );
};
