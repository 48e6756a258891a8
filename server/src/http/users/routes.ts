import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateUserBody,
  CreateUserResponse,
  ListUsersQuery,
  Member,
  MemberPage,
  PasswordResetResponse,
  UpdateUserBody,
  UserIdParams,
} from '#contract/api/users';
import type { MemberService } from '../../domain/members/member-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, unwrap } from '../responses';

/** `/api/v1/users`: members of the caller's organization. Writes are admin-only. */
export const userRoutes: FastifyPluginAsyncZod<{ members: MemberService }> = async (app, { members }) => {
  app.addHook('preHandler', app.requireAuth);
  const tags = ['users'];
  const common = { tags, security: bearer };
  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: 'List members',
        querystring: ListUsersQuery,
        response: { 200: MemberPage, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await members.list(p.organizationId, p, req.query));
    },
  );
  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: 'Invite a member (link) or create one with a temporary password (admin)',
        body: CreateUserBody,
        response: { 201: CreateUserResponse, ...errors(...AUTHED, 403, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return reply.code(201).send(unwrap(await members.create(p.organizationId, p, req.body, req.ip)));
    },
  );
  app.get(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'One member',
        params: UserIdParams,
        response: { 200: Member, ...errors(...AUTHED, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await members.get(p.organizationId, p, req.params.id));
    },
  );
  app.patch(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Change role or (de)activate a member (admin)',
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: Member, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await members.update(p.organizationId, p, req.params.id, req.body, req.ip));
    },
  );
  app.post(
    '/:id/password-reset',
    {
      schema: {
        ...common,
        summary: 'Give a member a new temporary password and end all their sessions (admin)',
        description:
          'Answers the temporary password once (only its hash is kept). Refused for yourself and for ' +
          'accounts that also belong to another organization (409).',
        params: UserIdParams,
        response: { 200: PasswordResetResponse, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return unwrap(await members.resetPassword(p.organizationId, p, req.params.id, req.ip));
    },
  );
  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Remove a member from the organization (admin)',
        params: UserIdParams,
        response: { 204: NoContent, ...errors(...AUTHED, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      unwrap(await members.remove(p.organizationId, p, req.params.id, req.ip));
      return reply.code(204).send(null);
    },
  );
};
