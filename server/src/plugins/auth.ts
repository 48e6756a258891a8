import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '../domain/auth/auth-service';
import { collectRevokedUsers } from '../lib/revoked-users';
import { type Result } from '#contract/result';
import { sendAppError } from './error-handler';
import { keyAuth, type KeyAuthDeps } from './key-auth';

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: requires a valid bearer access token and sets `request.principal`. */
    requireAuth: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    /** The authenticated caller; set by `requireAuth`, null elsewhere. */
    principal: Principal | null;
  }
}

/** Options of {@link authPlugin}: how to turn a bearer token into a principal. */
export type AuthPluginOptions = {
  authenticate: (token: string) => Promise<Result<Principal>>;
  /** API keys and client-credentials tokens (key-auth.ts); absent = only user tokens. */
  keys?: KeyAuthDeps | undefined;
  /**
   * Awaited before a request that revoked users (ended sessions, deactivated, removed, changed a
   * role) answers: every process forgets their cached session checks first (issue 15).
   */
  revoked?: ((userIds: Set<string>) => Promise<void>) | undefined;
};

const revokedByRequest = new WeakMap<FastifyRequest, Set<string>>();

/** Decorates the `requireAuth` hook; the tenant always comes from the token, never the body. */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, { authenticate, keys, revoked }) => {
    app.decorateRequest('principal', null);
    if (revoked) {
      // Writes only: reads revoke nothing, and the hot GETs pay nothing. After body parsing (the
      // body's stream events would run outside the scope), before `requireAuth` and the handler.
      app.addHook('preHandler', (request, _reply, done) => {
        if (request.method === 'GET' || request.method === 'HEAD') return done();
        const users = new Set<string>();
        revokedByRequest.set(request, users);
        collectRevokedUsers(users, done);
      });
      app.addHook('onSend', async (request) => {
        const users = revokedByRequest.get(request);
        if (users && users.size > 0) await revoked(users);
      });
    }
    app.decorate('requireAuth', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match?.[1]) {
        await sendAppError(reply, { code: 'unauthorized', message: 'Sign in first (missing bearer token)' });
        return reply;
      }
      if (keys?.isKeyToken(match[1])) {
        if (!(await keyAuth(request, reply, match[1], keys))) return reply;
        return;
      }
      const outcome = await authenticate(match[1]);
      if (!outcome.ok) {
        await sendAppError(reply, outcome.error);
        return reply;
      }
      request.principal = outcome.value;
    });
  },
  { name: 'auth', dependencies: ['error-handler'] },
);

/** The principal of a request behind `requireAuth`; calling it elsewhere is a bug. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf() on a route without requireAuth');
  return request.principal;
}
