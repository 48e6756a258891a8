import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AuthResponse, SessionUser } from '#contract/api/auth';

/**
 * A small stand-in for the server's auth routes (contract/api/auth.ts), used by the core's
 * session tests while server/ is being built. It follows the contract: rotating single-use
 * refresh tokens, `{"error":{code,message,details}}` bodies, 401 invalid_credentials, 429 with
 * Retry-After. Tests flip its switches to provoke each path.
 */
export interface StubAuthServer {
  url: string;
  app: FastifyInstance;
  user: SessionUser;
  password: string;
  calls: Record<'login' | 'refresh' | 'logout' | 'me' | 'patchMe' | 'password', number>;
  /** Refresh tokens that are currently valid. */
  liveRefreshTokens: Set<string>;
  /** Access tokens the server accepts; clear it to make every bearer call 401. */
  liveAccessTokens: Set<string>;
  /** When set, login answers 429 with this Retry-After (seconds). */
  rateLimitSeconds: number | null;
  /** Access-token lifetime in ms, dated by `now()`. */
  accessTtlMs: number;
  close(): Promise<void>;
}

/** Starts the stub on a free loopback port. `now` dates the access tokens (a fake clock). */
export async function startStubAuthServer(now: () => number): Promise<StubAuthServer> {
  const app = Fastify();
  const user: SessionUser = {
    id: randomUUID(),
    email: 'agent@example.test',
    name: 'Ada Agent',
    role: 'agent',
    organizationId: randomUUID(),
    organizationName: 'Example Org',
  };
  const s: StubAuthServer = {
    url: '',
    app,
    user,
    password: 'correct horse battery',
    calls: { login: 0, refresh: 0, logout: 0, me: 0, patchMe: 0, password: 0 },
    liveRefreshTokens: new Set(),
    liveAccessTokens: new Set(),
    rateLimitSeconds: null,
    accessTtlMs: 15 * 60_000,
    close: () => app.close(),
  };
  const issue = (): AuthResponse => {
    const accessToken = `at-${randomUUID()}`;
    const refreshToken = `rt-${randomUUID()}`;
    s.liveAccessTokens.add(accessToken);
    s.liveRefreshTokens.add(refreshToken);
    return {
      accessToken,
      accessTokenExpiresAt: new Date(now() + s.accessTtlMs).toISOString(),
      refreshToken,
      user: s.user,
      organizations: [{ id: s.user.organizationId, name: s.user.organizationName, role: s.user.role }],
    };
  };
  const fail = (code: string, message: string, details?: unknown) => ({ error: { code, message, details } });
  const bearerOk = (auth: string | undefined): boolean =>
    !!auth && s.liveAccessTokens.has(auth.replace(/^Bearer /, ''));

  app.post('/api/v1/auth/login', async (req, reply) => {
    s.calls.login += 1;
    const body = req.body as { email?: string; password?: string };
    if (s.rateLimitSeconds !== null) {
      return reply
        .code(429)
        .header('retry-after', String(s.rateLimitSeconds))
        .send(fail('rate_limited', 'Too many requests', { retryAfter: s.rateLimitSeconds }));
    }
    if (body.email !== s.user.email || body.password !== s.password) {
      return reply.code(401).send(fail('invalid_credentials', 'Invalid email or password'));
    }
    return issue();
  });
  app.post('/api/v1/auth/refresh', async (req, reply) => {
    s.calls.refresh += 1;
    const { refreshToken } = req.body as { refreshToken: string };
    if (!s.liveRefreshTokens.delete(refreshToken)) {
      return reply.code(401).send(fail('session_revoked', 'Refresh token is no longer valid'));
    }
    return issue();
  });
  app.post('/api/v1/auth/logout', async (req, reply) => {
    s.calls.logout += 1;
    s.liveRefreshTokens.delete((req.body as { refreshToken: string }).refreshToken);
    return reply.code(204).send();
  });
  app.get('/api/v1/me', async (req, reply) => {
    s.calls.me += 1;
    if (!bearerOk(req.headers.authorization)) return reply.code(401).send(fail('unauthorized', 'No'));
    return { user: s.user };
  });
  app.patch('/api/v1/me', async (req, reply) => {
    s.calls.patchMe += 1;
    if (!bearerOk(req.headers.authorization)) return reply.code(401).send(fail('unauthorized', 'No'));
    s.user = { ...s.user, name: (req.body as { name: string }).name };
    return { user: s.user };
  });
  app.post('/api/v1/me/password', async (req, reply) => {
    s.calls.password += 1;
    if (!bearerOk(req.headers.authorization)) return reply.code(401).send(fail('unauthorized', 'No'));
    const body = req.body as { currentPassword: string; newPassword: string; refreshToken?: string };
    if (body.currentPassword !== s.password) {
      return reply.code(401).send(fail('invalid_credentials', 'Invalid email or password'));
    }
    s.password = body.newPassword;
    for (const t of [...s.liveRefreshTokens]) if (t !== body.refreshToken) s.liveRefreshTokens.delete(t);
    return reply.code(204).send();
  });
  s.url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  return s;
}

/** A loopback URL on which nothing listens (a port that was just released). */
export async function unreachableUrl(): Promise<string> {
  const app = Fastify();
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  await app.close();
  return url;
}
