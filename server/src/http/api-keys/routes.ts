import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiKey,
  ApiKeyList,
  CreateApiKeyBody,
  CreatedApiKey,
  UpdateApiKeyBody,
} from '#contract/api/api-keys';
import { IdParams } from '#contract/api/common';
import type { ApiKeyService } from '../../domain/api-keys/api-key-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, nonEmpty, unwrap } from '../responses';

/**
 * `/api/v1/api-keys` (admins, signed in: no route here declares a scope, so keys are refused).
 * The secret is in the creation answer only.
 */
export const apiKeyRoutes: FastifyPluginAsyncZod<{ keys: ApiKeyService }> = async (app, { keys }) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['api-keys'], security: bearer };
  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: 'Create an API key (admin)',
        description:
          'Creates a key with the given scopes, optional IP allow-list (IPv4/IPv6 addresses or CIDRs), ' +
          'expiry and per-minute limit. The answer carries `key` (`pk_live_…`): store it now, it is ' +
          'never shown again (Parley keeps only a peppered hash).',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...errors(...AUTHED, 403) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await keys.create(p.organizationId, p, req.body, req.ip)));
    },
  );
  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: 'List API keys (admin)',
        description: 'Every key of the organization, newest first, revoked ones included; never the secret.',
        response: { 200: ApiKeyList, ...errors(...AUTHED, 403) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await keys.list(p.organizationId, p));
    },
  );
  app.get(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'One API key (admin)',
        params: IdParams,
        response: { 200: ApiKey, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await keys.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Change an API key (admin)',
        description:
          'Name, scopes, allow-list (null clears it) or limit (null = the server default). Takes effect ' +
          'on every server process within a second; tokens issued for the key narrow with it.',
        params: IdParams,
        body: nonEmpty(UpdateApiKeyBody),
        response: { 200: ApiKey, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await keys.update(p.organizationId, p, req.params.id, req.body, req.ip));
    },
  );
  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Revoke an API key (admin)',
        description:
          'Refused on every server process within a second, with every token issued for it. Idempotent.',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await keys.revoke(p.organizationId, p, req.params.id, req.ip));
      return reply.code(204).send(null);
    },
  );
};
