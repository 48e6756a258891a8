import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ChangePasswordBody, MeResponse, UpdateMeBody } from '#contract/api/auth';
import type { AuthService } from '../../domain/auth/auth-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, NoContent, unwrap } from '../responses';

/** `/api/v1/me`: the caller's own profile and password. */
export const meRoutes: FastifyPluginAsyncZod<{ auth: AuthService }> = async (app, { auth }) => {
  app.addHook('preHandler', app.requireAuth);
  const tags = ['me'];
  app.get(
    '/',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The signed-in user',
        response: { 200: MeResponse, ...errors(...AUTHED) },
      },
    },
    async (req) => ({ user: unwrap(await auth.me(principalOf(req))) }),
  );
  app.patch(
    '/',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Change your display name',
        body: UpdateMeBody,
        response: { 200: MeResponse, ...errors(...AUTHED) },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      unwrap(await auth.updateName(principal, req.body.name));
      return { user: unwrap(await auth.me(principal)) };
    },
  );
  app.post(
    '/password',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Change your password; every other session is signed out',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errors(...AUTHED, 429) },
      },
    },
    async (req, reply) => {
      unwrap(await auth.changePassword(principalOf(req), req.body, req.ip));
      return reply.code(204).send(null);
    },
  );
};
