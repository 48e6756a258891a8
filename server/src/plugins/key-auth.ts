import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope } from '#contract/api/api-keys';
import type { Result } from '#contract/result';
import type { Principal } from '../domain/auth/auth-service';
import { sendAppError } from './error-handler';

// The API-key half of `requireAuth` (the user-token half is auth.ts): a bearer that is an API key
// or a client-credentials token is checked here — key valid, not revoked or expired, caller's
// address allowed — then the route's scope, which the route declares in its options
// (`config.scope`, recorded in the route table), then the key's rate limit. A route without a
// scope refuses keys: members, teams, keys, WhatsApp credentials and the audit log are for
// signed-in people only.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an API key needs to call this route; absent = keys are refused. */
    scope?: ApiScope;
  }
}

/** The outcome of counting one request against its key's limit. */
export type RateCount = { limit: number; remaining: number; resetSeconds: number; exceeded: boolean };

/** What key authentication needs. */
export type KeyAuthDeps = {
  /** Tells key tokens from user tokens by their shape. */
  isKeyToken: (token: string) => boolean;
  /** Turns an API key or client-credentials token presented from `ip` into a principal. */
  authenticate: (token: string, ip: string) => Promise<Result<Principal>>;
  /** Counts the request against the key's per-minute limit (request.principal is set). */
  count?: ((request: FastifyRequest) => Promise<RateCount>) | undefined;
};

/**
 * Authenticates a key-bearing request, checks the route's scope and the key's rate limit; sets
 * `request.principal` and the `RateLimit-*` headers, or answers the refusal (401, 403
 * `ip_not_allowed` / `insufficient_scope` / `forbidden`, 429 `rate_limited`). False = answered.
 */
export async function keyAuth(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  deps: KeyAuthDeps,
): Promise<boolean> {
  const outcome = await deps.authenticate(token, request.ip);
  if (!outcome.ok) {
    await sendAppError(reply, outcome.error);
    return false;
  }
  const scope = request.routeOptions.config.scope;
  if (!scope) {
    await sendAppError(reply, {
      code: 'forbidden',
      message: 'API keys cannot call this route; it is for signed-in members only',
    });
    return false;
  }
  if (!outcome.value.apiKey?.scopes.includes(scope)) {
    await sendAppError(reply, {
      code: 'insufficient_scope',
      message: `This API key lacks the scope "${scope}" this route needs`,
      details: { requiredScope: scope },
    });
    return false;
  }
  request.principal = outcome.value;
  if (deps.count) {
    const c = await deps.count(request);
    reply.header('ratelimit-limit', c.limit);
    reply.header('ratelimit-remaining', c.remaining);
    reply.header('ratelimit-reset', c.resetSeconds);
    if (c.exceeded) {
      request.principal = null;
      await sendAppError(reply, {
        code: 'rate_limited',
        message: `This API key may make ${c.limit} requests per minute; retry in ${c.resetSeconds} s`,
        details: { retryAfter: Math.max(1, c.resetSeconds) },
      });
      return false;
    }
  }
  return true;
}
