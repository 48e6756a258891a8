import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  Contact,
  ContactPage,
  CreateContactBody,
  ListContactsQuery,
  UpdateContactBody,
} from '#contract/api/contacts';
import type { ContactService } from '../../domain/contacts/contact-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, nonEmpty, unwrap, keyOr } from '../responses';

/** `/api/v1/contacts`: the organization's customers, searchable; delete only unreferenced ones. */
export const contactRoutes: FastifyPluginAsyncZod<{ contacts: ContactService }> = async (
  app,
  { contacts },
) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['contacts'], security: bearer };
  app.get(
    '/',
    {
      config: { scope: 'contacts:read' },
      schema: {
        ...common,
        security: keyOr('contacts:read'),
        summary: 'List and search contacts (name, number, WhatsApp id, user id), newest first',
        querystring: ListContactsQuery,
        response: { 200: ContactPage, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await contacts.list(p.organizationId, p, req.query));
    },
  );
  app.post(
    '/',
    {
      config: { scope: 'contacts:write' },
      schema: {
        ...common,
        security: keyOr('contacts:write'),
        summary: 'Create a contact by phone number',
        body: CreateContactBody,
        response: { 201: Contact, ...errors(...AUTHED, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await contacts.create(p.organizationId, p, req.body)));
    },
  );
  app.get(
    '/:id',
    {
      config: { scope: 'contacts:read' },
      schema: {
        ...common,
        security: keyOr('contacts:read'),
        summary: 'One contact',
        params: IdParams,
        response: { 200: Contact, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await contacts.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      config: { scope: 'contacts:write' },
      schema: {
        ...common,
        security: keyOr('contacts:write'),
        summary: 'Update name, tags, opt-out or custom attributes',
        params: IdParams,
        body: nonEmpty(UpdateContactBody),
        response: { 200: Contact, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await contacts.update(p.organizationId, p, req.params.id, req.body));
    },
  );
  app.delete(
    '/:id',
    {
      config: { scope: 'contacts:write' },
      schema: {
        ...common,
        security: keyOr('contacts:write'),
        summary: 'Delete a contact without conversations (managers and admins)',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await contacts.remove(p.organizationId, p, req.params.id));
      return reply.code(204).send(null);
    },
  );
};
