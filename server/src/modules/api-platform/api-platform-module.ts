import rateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Clock } from '../../lib/clock';
import { createApiKeyService } from '../../domain/api-keys/api-key-service';
import { createKeyCheck, isKeyToken } from '../../domain/api-keys/key-check';
import type { InvalidationBus } from '../../lib/invalidation-bus';
import { createKeySecrets } from '../../domain/api-keys/key-secrets';
import { createOAuthTokens } from '../../domain/api-keys/oauth-tokens';
import type { AuditLog } from '../../domain/audit/audit-log';
import { createCoalescedAudit } from '../../domain/audit/coalesced-audit';
import { actorOf } from '../../domain/audit/audit-log';
import { apiKeyRoutes } from '../../http/api-keys/routes';
import { oauthRoutes } from '../../http/api-keys/oauth-routes';
import type { KeyAuthDeps, RateCount } from '../../plugins/key-auth';
import type { Db } from '../../storage/db';

/** What the API platform module needs. */
export type ApiPlatformDeps = {
  db: Db;
  clock: Clock;
  secretKey: string;
  audit: Pick<AuditLog, 'record' | 'recordMany'>;
  /** `REDIS_URL`: rate-limit counters shared by every process. */
  redisUrl?: string | undefined;
  /** Key invalidations shared by every process (with `REDIS_URL`; see `lib/invalidation-bus.ts`). */
  bus?: InvalidationBus | undefined;
  /** `API_RATE_LIMIT_PER_MINUTE` (default 600). */
  rateLimitPerMinute?: number | undefined;
};

/**
 * The integration platform: API keys (service, admin routes), the key check behind
 * `requireAuth` with its cross-process invalidation (Redis pub/sub when configured), per-key
 * rate limits (`@fastify/rate-limit`, Redis store when configured), the OAuth token endpoint,
 * and the audit of writes made with a key.
 */
export function createApiPlatformModule(deps: ApiPlatformDeps) {
  const { db, clock, audit } = deps;
  let log: FastifyBaseLogger | undefined;
  // The limiter's counters get their own connection (invalidations travel on the app's hub).
  const counters = deps.redisUrl ? new Redis(deps.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  counters?.on('error', (e: unknown) => log?.warn({ err: e }, 'api-key redis error'));
  const bus = deps.bus;
  const secrets = createKeySecrets(deps.secretKey);
  const tokens = createOAuthTokens({ secretKey: deps.secretKey, clock });
  const check = createKeyCheck({ db, clock, secrets, tokens, bus });
  const keys = createApiKeyService({ db, clock, secrets, audit, onChanged: (id) => check.invalidate(id) });
  const defaultLimit = deps.rateLimitPerMinute ?? 600;
  const keyWrites = createCoalescedAudit(db, audit);

  return {
    services: { keys, check, tokens },
    /**
     * Registers the rate limiter (before the auth plugin and the routes) and returns what the
     * auth plugin needs to authenticate keys.
     */
    registerAuth: async (app: FastifyInstance): Promise<KeyAuthDeps> => {
      await app.register(rateLimit, {
        global: false,
        ...(counters && { redis: counters, nameSpace: 'parley-api-rl-' }),
        // A Redis outage must not take the API down with it: count nothing until it is back.
        skipOnError: true,
      });
      const limiter = app.createRateLimit({
        keyGenerator: (req: FastifyRequest) => req.principal?.apiKey?.id ?? 'none',
        max: (req: FastifyRequest) => req.principal?.apiKey?.rateLimitPerMinute ?? defaultLimit,
        timeWindow: 60_000,
      });
      const count = async (req: FastifyRequest): Promise<RateCount> => {
        const r = await limiter(req);
        if (r.isAllowed)
          return { limit: defaultLimit, remaining: defaultLimit, resetSeconds: 60, exceeded: false };
        return { limit: r.max, remaining: r.remaining, resetSeconds: r.ttlInSeconds, exceeded: r.isExceeded };
      };
      // Writes made with a key are audited (reads are not: they would drown the log).
      app.addHook('onResponse', async (request, reply) => {
        const p = request.principal;
        if (!p?.apiKey || request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 400)
          return;
        const route = request.routeOptions.url ?? request.url;
        // Coalesced: concurrent requests' events go in one insert (coalesced-audit.ts).
        await keyWrites
          .record({
            organizationId: p.organizationId,
            actor: actorOf(p, request.ip),
            event: {
              action: 'api_key.write',
              summary: `${request.method} ${route}`,
              details: { method: request.method, route, status: reply.statusCode },
            },
          })
          .catch((e: unknown) => request.log.warn({ err: e }, 'could not audit an API key write'));
      });
      return { isKeyToken, authenticate: check.authenticate, count };
    },
    /** Registers `/api-keys` and `/oauth` on `api` (the /api/v1 scope). */
    registerApi: async (api: FastifyInstance) => {
      await api.register(apiKeyRoutes, { prefix: '/api-keys', keys });
      await api.register(oauthRoutes, { prefix: '/oauth', keys: check, tokens, now: () => clock.now() });
    },
    start: (logger: FastifyBaseLogger) => {
      log = logger;
      check.start();
    },
    stop: async () => {
      await check.stop();
      await counters?.quit().catch(() => undefined);
    },
  };
}

/** The API platform module's services. */
export type ApiPlatformServices = ReturnType<typeof createApiPlatformModule>['services'];
