import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  CreateWhatsAppAccountBody,
  ListWhatsAppAccountsQuery,
  SetDefaultTeamBody,
  SyncTemplatesResult,
  UpdateWhatsAppAccountBody,
  WhatsAppAccount,
  WhatsAppAccountPage,
} from '#contract/api/whatsapp-accounts';
import type { AccountService } from '../../domain/whatsapp/account-service';
import type { createDefaultTeam } from '../../domain/whatsapp/default-team';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, nonEmpty, unwrap, keyOr } from '../responses';

/**
 * `/api/v1/whatsapp-accounts`: connected WhatsApp numbers. Every member may list them; only
 * admins connect, change, disconnect and sync templates. Responses never carry a secret.
 */
export const whatsappAccountRoutes: FastifyPluginAsyncZod<{
  accounts: AccountService;
  setDefaultTeam: ReturnType<typeof createDefaultTeam>;
}> = async (app, { accounts, setDefaultTeam }) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['whatsapp-accounts'], security: bearer };
  app.get(
    '/',
    {
      config: { scope: 'accounts:read' },
      schema: {
        ...common,
        security: keyOr('accounts:read'),
        summary: 'List WhatsApp numbers',
        querystring: ListWhatsAppAccountsQuery,
        response: { 200: WhatsAppAccountPage, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await accounts.list(p.organizationId, p, req.query));
    },
  );
  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: 'Connect a WhatsApp number (admin); credentials are verified with Meta first',
        body: CreateWhatsAppAccountBody,
        response: { 201: WhatsAppAccount, ...errors(...AUTHED, 403, 409, 422, 502) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await accounts.create(p.organizationId, p, req.body, req.ip)));
    },
  );
  app.get(
    '/:id',
    {
      config: { scope: 'accounts:read' },
      schema: {
        ...common,
        security: keyOr('accounts:read'),
        summary: 'One WhatsApp number',
        params: IdParams,
        response: { 200: WhatsAppAccount, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await accounts.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Rename, rotate credentials (re-verified), change the send cap or the owner (admin)',
        description:
          'Changes the fields given. `ownerUserId` gives the number to an active member (or back to the organization with null): ' +
          'its new conversations are assigned to the owner, and its conversations are seen only by the owner, their assignee, ' +
          'managers and admins — members who lose or gain sight of them are told over sync at once. Recorded in the audit log.',
        params: IdParams,
        body: nonEmpty(UpdateWhatsAppAccountBody),
        response: { 200: WhatsAppAccount, ...errors(...AUTHED, 403, 404, 409, 422, 502) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await accounts.update(p.organizationId, p, req.params.id, req.body, req.ip));
    },
  );
  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Disconnect a WhatsApp number (admin); its history is kept',
        params: IdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await accounts.disconnect(p.organizationId, p, req.params.id, req.ip));
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/:id/sync-templates',
    {
      schema: {
        ...common,
        summary: 'Pull every template of the WABA from Meta (admin)',
        params: IdParams,
        response: { 200: SyncTemplatesResult, ...errors(...AUTHED, 403, 404, 409, 422, 502) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await accounts.syncTemplates(p.organizationId, p, req.params.id, req.ip));
    },
  );
  app.put(
    '/:id/default-team',
    {
      schema: {
        ...common,
        summary: 'Set the team new conversations on the number land in (admin); null clears it',
        params: IdParams,
        body: SetDefaultTeamBody,
        response: { 200: WhatsAppAccount, ...errors(...AUTHED, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await setDefaultTeam(p.organizationId, p, req.params.id, req.body.teamId, req.ip));
    },
  );
};
