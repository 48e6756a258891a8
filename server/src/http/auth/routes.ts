import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuthResponse, LoginBody, RefreshBody, SignupBody } from '#contract/api/auth';
import { AcceptInvitationBody } from '#contract/api/invitations';
import type { AuthService } from '../../domain/auth/auth-service';
import type { AuthRateLimits } from '../../plugins/security';
import { errors, NoContent, unwrap } from '../responses';

/** Unauthenticated bodies are small; a tight limit keeps junk off the JSON parser. */
const AUTH_BODY_LIMIT = 16 * 1024;

/** `/api/v1/signup`, `/api/v1/auth/*`, `/api/v1/invitations/accept`. */
export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService; rateLimits: AuthRateLimits }> = async (
  app,
  { auth, rateLimits },
) => {
  const tags = ['auth'];
  // Tokens must never sit in a shared or browser cache (OWASP session management).
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });
  /** `config.rateLimit` of a route: per client IP (`request.ip`, which honours TRUST_PROXY). */
  const perIp = (limit: { max: number; windowMs: number }, groupId: string) => ({
    rateLimit: { max: limit.max, timeWindow: limit.windowMs, groupId },
  });
  app.post(
    '/signup',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: perIp(rateLimits.signup, 'signup'),
      schema: {
        tags,
        summary: 'Create an organization and its first admin',
        body: SignupBody,
        response: { 201: AuthResponse, ...errors(400, 403, 409, 413, 503) },
      },
    },
    async (req, reply) => reply.code(201).send(unwrap(await auth.signup(req.body, req.ip))),
  );
  app.post(
    '/auth/login',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: perIp(rateLimits.signIn, 'sign-in'),
      schema: {
        tags,
        summary: 'Sign in (limited per IP; growing delays per account + IP)',
        body: LoginBody,
        response: { 200: AuthResponse, ...errors(400, 401, 403, 413, 429, 503) },
      },
    },
    async (req) => unwrap(await auth.login(req.body, req.ip)),
  );
  app.post(
    '/auth/refresh',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Rotate a refresh token (reuse revokes the whole session)',
        body: RefreshBody,
        response: { 200: AuthResponse, ...errors(400, 401, 413) },
      },
    },
    async (req) => unwrap(await auth.refresh(req.body.refreshToken)),
  );
  app.post(
    '/auth/logout',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Revoke the session of a refresh token',
        body: RefreshBody,
        response: { 204: NoContent, ...errors(400, 413) },
      },
    },
    async (req, reply) => {
      unwrap(await auth.logout(req.body.refreshToken));
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/invitations/accept',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: perIp(rateLimits.signIn, 'sign-in'),
      schema: {
        tags,
        summary: 'Accept an invitation and sign in',
        body: AcceptInvitationBody,
        response: { 200: AuthResponse, ...errors(400, 401, 404, 409, 413, 429) },
      },
    },
    async (req) => unwrap(await auth.acceptInvitation(req.body, req.ip)),
  );
};
