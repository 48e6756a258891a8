import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

/** Per-IP request limits of the unauthenticated routes that cost work (argon2) or create rows. */
export type AuthRateLimits = {
  /** `POST /signup` per client IP. */
  signup: { max: number; windowMs: number };
  /** `POST /auth/login` and `/invitations/accept` per client IP (the pair throttle is finer). */
  signIn: { max: number; windowMs: number };
};

/** Default: 10 sign-ups per IP per hour; 30 sign-in attempts per IP per minute. */
export const DEFAULT_AUTH_RATE_LIMITS: AuthRateLimits = {
  signup: { max: 10, windowMs: 60 * 60 * 1000 },
  signIn: { max: 30, windowMs: 60 * 1000 },
};

/** Options of {@link securityPlugin}. */
export type SecurityPluginOptions = { redisUrl?: string | undefined };

/**
 * HTTP hardening for an API (issue 9, finding 7):
 * - `@fastify/helmet`: `X-Content-Type-Options: nosniff`, HSTS, frame and referrer policies, and
 *   a CSP that allows nothing (`default-src 'none'`) since the API answers JSON, never pages. The
 *   docs page at /docs sets its own CSP (swagger-ui's `staticCSP`, applied in its handler after
 *   helmet's), so it still loads. Cross-origin resource policy is left off: the desktop client
 *   talks to its server cross-origin.
 * - `@fastify/rate-limit`, not global: routes opt in with `config.rateLimit` (see
 *   {@link AuthRateLimits}); counts in Redis when REDIS_URL is set (every process shares them),
 *   else in this process. Over the limit: 429 `rate_limited` in the error envelope.
 */
export const securityPlugin = fp<SecurityPluginOptions>(
  async (app, opts) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      crossOriginResourcePolicy: false,
      crossOriginEmbedderPolicy: false,
    });
    const redis = opts.redisUrl
      ? new Redis(opts.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false })
      : undefined;
    // Without a listener ioredis reports every failed reconnect as an unhandled error event.
    redis?.on('error', (err) => app.log.warn({ err }, 'rate-limit redis error'));
    if (redis) app.addHook('onClose', async () => void redis.quit().catch(() => redis.disconnect()));
    await app.register(rateLimit, {
      global: false,
      ...(redis && { redis, nameSpace: 'parley-rl:' }),
      // A Redis outage must not lock everyone out of signing in; the pair throttle still holds.
      skipOnError: true,
      errorResponseBuilder: (_req, ctx) => {
        const retryAfter = Math.max(1, Math.ceil(ctx.ttl / 1000));
        return {
          statusCode: 429,
          appError: {
            code: 'rate_limited',
            message: `Too many attempts, try again in ${retryAfter} s`,
            details: { retryAfter },
          },
        };
      },
    });
  },
  { name: 'security', dependencies: ['error-handler'] },
);
