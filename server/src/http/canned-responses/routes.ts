import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  CannedResponse,
  CannedResponsePage,
  CreateCannedResponseBody,
  ListCannedResponsesQuery,
  UpdateCannedResponseBody,
} from '#contract/api/canned-responses';
import type { CannedResponseService } from '../../domain/canned-responses/canned-response-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, unwrap } from '../responses';

/**
 * `/api/v1/canned-responses`: the organization's canned responses and the caller's personal
 * ones (another member's personal response answers 404). For signed-in members only: a
 * personal response belongs to a person, which an API key is not.
 */
export const cannedResponseRoutes: FastifyPluginAsyncZod<{ canned: CannedResponseService }> = async (
  app,
  { canned },
) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['canned-responses'], security: bearer };
  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: "List the organization's canned responses and your own",
        querystring: ListCannedResponsesQuery,
        response: { 200: CannedResponsePage, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await canned.list(p.organizationId, p, req.query));
    },
  );
  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: "Create a canned response (personal: anyone; the organization's: admins, managers)",
        body: CreateCannedResponseBody,
        response: { 201: CannedResponse, ...errors(...AUTHED, 403, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await canned.create(p.organizationId, p, req.body)));
    },
  );
  app.get(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'One canned response you can see',
        params: IdParams,
        response: { 200: CannedResponse, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await canned.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      schema: {
        ...common,
        summary: "Edit a canned response (your own, or the organization's as an admin or manager)",
        params: IdParams,
        body: UpdateCannedResponseBody,
        response: { 200: CannedResponse, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await canned.update(p.organizationId, p, req.params.id, req.body));
    },
  );
  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: "Delete a canned response (your own, or the organization's as an admin or manager)",
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await canned.remove(p.organizationId, p, req.params.id));
      return reply.code(204).send(null);
    },
  );
};
