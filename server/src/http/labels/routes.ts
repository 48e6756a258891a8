import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import { CreateLabelBody, Label, LabelPage, ListLabelsQuery, UpdateLabelBody } from '#contract/api/labels';
import type { LabelService } from '../../domain/labels/label-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, unwrap } from '../responses';

/**
 * `/api/v1/labels`: the organization's labels. Every member lists them; admins and managers
 * write them. For signed-in members only (no API-key scope), like teams.
 */
export const labelRoutes: FastifyPluginAsyncZod<{ labels: LabelService }> = async (app, { labels }) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['labels'], security: bearer };
  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: 'List labels',
        querystring: ListLabelsQuery,
        response: { 200: LabelPage, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await labels.list(p.organizationId, p, req.query));
    },
  );
  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: 'Create a label (admins, managers)',
        body: CreateLabelBody,
        response: { 201: Label, ...errors(...AUTHED, 403, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await labels.create(p.organizationId, p, req.body, req.ip)));
    },
  );
  app.get(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'One label',
        params: IdParams,
        response: { 200: Label, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await labels.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Rename or recolour a label (admins, managers); a rename renames it on its conversations',
        params: IdParams,
        body: UpdateLabelBody,
        response: { 200: Label, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await labels.update(p.organizationId, p, req.params.id, req.body, req.ip));
    },
  );
  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Delete a label (admins, managers); it is removed from its conversations',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await labels.remove(p.organizationId, p, req.params.id, req.ip));
      return reply.code(204).send(null);
    },
  );
};
