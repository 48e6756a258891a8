import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiScope } from '#contract/api/api-keys';
import type { ReadyConfig } from './config/config';
import { createAccessTokens } from './domain/auth/access-tokens';
import { createAuditLog } from './domain/audit/audit-log';
import { createAuthService, SESSION_CHECK_TTL_MS } from './domain/auth/auth-service';
import { createLoginThrottle, type ThrottleLimits } from './domain/auth/login-throttle';
import { createPasswordHasher, type PasswordHasher } from './domain/auth/password-hasher';
import { systemClock, type Clock } from './lib/clock';
import { createMemberService } from './domain/members/member-service';
import { createOrganizationService } from './domain/organization/organization-service';
import { createTeamService } from './domain/teams/team-service';
import { createLabelService } from './domain/labels/label-service';
import { createCannedResponseService } from './domain/canned-responses/canned-response-service';
import { auditRoutes } from './http/audit/routes';
import { reportRoutes } from './http/reports/routes';
import { createReportService } from './domain/reports/report-service';
import { assignmentRoutes } from './http/assignment/routes';
import { createAvailabilityService } from './domain/assignment/availability-service';
import { authRoutes } from './http/auth/routes';
import { healthRoutes } from './http/health/routes';
import { invitePageRoutes } from './http/invite-page/routes';
import { meRoutes } from './http/me/routes';
import { organizationRoutes } from './http/organization/routes';
import { teamRoutes } from './http/teams/routes';
import { labelRoutes } from './http/labels/routes';
import { cannedResponseRoutes } from './http/canned-responses/routes';
import { userRoutes } from './http/users/routes';
import { authPlugin } from './plugins/auth';
import { errorHandlerPlugin, frameworkErrors } from './plugins/error-handler';
import { DEFAULT_AUTH_RATE_LIMITS, securityPlugin, type AuthRateLimits } from './plugins/security';
import { openapiPlugin } from './plugins/openapi';
import type { MediaStore } from './domain/media/media-store';
import type { GraphClient } from './meta/graph-client';
import { createInboundModule, type Background } from './modules/inbound/inbound-module';
import { createMessagingInfrastructure } from './modules/messaging-infrastructure';
import type { SendWorkerOptions } from './jobs/send-worker';
import { createOutboundModule, type OutboundServices } from './modules/outbound/outbound-module';
import { createSyncModule } from './modules/sync/sync-module';
import { createIntakesModule } from './modules/intakes/intakes-module';
import { createWebhooksModule, type WebhooksDeps } from './modules/webhooks/webhooks-module';
import {
  createApiPlatformModule,
  type ApiPlatformServices,
} from './modules/api-platform/api-platform-module';
import type { Database } from './storage/db';
import { createStageTimings, type StageTimings } from './lib/stage-timings';
import type { ResumableUploader } from './meta/resumable-upload';
import { registerMetrics } from './plugins/metrics';
import { createRedisInvalidationHub } from './modules/invalidation/redis-hub';

/** What {@link buildApp} needs; everything with side effects comes in from outside. */
export type AppDeps = {
  config: Pick<ReadyConfig, 'secretKey' | 'publicUrl' | 'allowSignup'> &
    Partial<
      Pick<
        ReadyConfig,
        | 'metaGraphUrl'
        | 'metaApiVersion'
        | 'metaAppId'
        | 'dataDir'
        | 'redisUrl'
        | 'trustProxy'
        | 'webhookRetrySchedule'
        | 'webhookAllowPrivateUrls'
        | 'apiRateLimitPerMinute'
        | 'allowPrivateMediaUrls'
        | 'offlineAfterSeconds'
        | 'metricsToken'
        | 'monthlyMessageQuota'
      >
    >;
  /** An open, migrated database (see `openDatabase`). */
  database: Pick<Database, 'db' | 'ping'> & Partial<Pick<Database, 'engine'>>;
  /** Fastify/pino logger options; false (default) logs nothing. */
  logger?: FastifyServerOptions['logger'];
  clock?: Clock;
  /** Password hasher; defaults to argon2id with at most 2 hashes in flight. */
  hasher?: PasswordHasher;
  /** PostgreSQL: the bound of a cached session check (default 1 s; tests lengthen it). */
  sessionCheckTtlMs?: number;
  /** Login throttle limits (tests lower them). */
  loginThrottle?: ThrottleLimits;
  /** Per-IP limits of sign-up and sign-in (tests raise them; default DEFAULT_AUTH_RATE_LIMITS). */
  authRateLimits?: AuthRateLimits;
  /** Max JSON body size in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Graph API client; default: `META_GRAPH_URL`/`META_API_VERSION` (tests and demo aim it at the emulator). */
  graph?: GraphClient;
  /** Graph's Resumable Upload API client (tests and demo aim it at the emulator). */
  uploader?: ResumableUploader;
  /** Media bytes; default: the filesystem under `DATA_DIR/media`. */
  mediaStore?: MediaStore;
  /**
   * Run background work (webhook processing with boot replay, media fetch, snooze wake-ups)
   * between ready and close; default true. False leaves stored webhooks unprocessed (tests of
   * a crash between receipt and processing).
   */
  background?: boolean;
  /** Job queue namespace: apps sharing one database (test workers on PostgreSQL) never take each other's jobs. */
  jobNamespace?: string;
  /** Send-queue settings (tests shorten its waits; benchmarks turn pair-rate pacing off). */
  sendQueue?: SendWorkerOptions;
  /** Sync heartbeat period in ms (default 10 s; tests shorten it). */
  syncTickMs?: number;
  /** Outgoing-webhook overrides (tests: the delivery client, the per-endpoint cap). */
  webhooks?: Pick<WebhooksDeps, 'http' | 'perEndpointConcurrency' | 'attemptTimeoutMs'>;
  /** The stage clock of inbound messages (benchmarks pass theirs to sample it); default a new one. */
  timings?: StageTimings;
};

/**
 * A method + URL pattern, as registered, with the API-key scope it accepts (route
 * `config.scope`) and its schema (tests derive probes from it).
 */
export type RouteEntry = {
  method: string;
  url: string;
  scope?: ApiScope | undefined;
  schema?: { querystring?: unknown };
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route (for tests that must cover each one, e.g. the cross-tenant matrix). */
    routeTable: RouteEntry[];
    /** Background work of the inbound module (tests and benchmarks wait on `idle()`). */
    background: Background;
    /** The outbound module: its services, and `idle()` once no send work is due or in flight. */
    outbound: { services: OutboundServices; idle: () => Promise<void> };
    /** The outgoing-webhooks module (tests drain its outbox). */
    webhooksOut: ReturnType<typeof createWebhooksModule>;

    /** The API platform's services (tests flush key usage, benchmarks read the key check). */
    apiPlatform: ApiPlatformServices;
  }
}

/** The services and modules the app is built from. */
export type AppServices = ReturnType<typeof createServices>;

const createServices = (deps: AppDeps) => {
  const clock = deps.clock ?? systemClock;
  const db = deps.database.db;
  // Observed by `GET /metrics` (when METRICS_TOKEN is set) and benchmarks; idle otherwise.
  const timings = deps.timings ?? createStageTimings();
  const hasher = deps.hasher ?? createPasswordHasher();
  const audit = createAuditLog({ db, clock });
  // Cache invalidations between processes (API keys, session checks), acknowledged: a revoking
  // request waits at most the session checks' bound, which no cached check outlives.
  const invalidations = deps.config.redisUrl
    ? createRedisInvalidationHub({ url: deps.config.redisUrl, ackTimeoutMs: SESSION_CHECK_TTL_MS })
    : undefined;
  const auth = createAuthService({
    db,
    hasher,
    clock,
    tokens: createAccessTokens({ secretKey: deps.config.secretKey, clock }),
    throttle: createLoginThrottle({ db, clock, limits: deps.loginThrottle }),
    allowSignup: deps.config.allowSignup,
    audit,
    sessionCheckTtlMs: deps.sessionCheckTtlMs,
    sessionBus: invalidations?.topic('sessions'),
  });
  const members = createMemberService({
    db,
    hasher,
    clock,
    publicUrl: deps.config.publicUrl,
    audit,
  });
  const teams = createTeamService({ db, clock, audit });
  const labels = createLabelService({ db, clock, audit });
  const canned = createCannedResponseService({ db, clock });
  const organization = createOrganizationService({
    db,
    clock,
    audit,
    quota: { monthlyDefault: deps.config.monthlyMessageQuota },
  });
  const infrastructure = createMessagingInfrastructure({
    db,
    clock,
    graph: deps.graph,
    metaGraphUrl: deps.config.metaGraphUrl,
    metaApiVersion: deps.config.metaApiVersion,
    metaAppId: deps.config.metaAppId,
    uploader: deps.uploader,
    mediaStore: deps.mediaStore,
    dataDir: deps.config.dataDir,
    jobNamespace: deps.jobNamespace,
    monthlyMessageQuota: deps.config.monthlyMessageQuota,
  });
  const inbound = createInboundModule({
    db,
    clock,
    ...infrastructure,
    secretKey: deps.config.secretKey,
    publicUrl: deps.config.publicUrl,
    engine: deps.database.engine,
    audit,
    timings,
  });
  const outbound = createOutboundModule({
    db,
    clock,
    ...infrastructure,
    accounts: inbound.services.accounts,
    sendQueue: deps.sendQueue,
    jobNamespace: deps.jobNamespace,
    allowPrivateMediaUrls: deps.config.allowPrivateMediaUrls,
  });
  const offlineAfterMs = (deps.config.offlineAfterSeconds ?? 120) * 1000;
  const availability = createAvailabilityService({ db, clock, audit, offlineAfterMs });
  const sync = createSyncModule({
    db,
    clock,
    availability,
    availabilityTickMs: Math.min(30_000, Math.max(1_000, offlineAfterMs / 3)),
    authenticate: auth.authenticate,
    toAccount: inbound.services.accounts.toAccount,
    jobs: infrastructure.jobs,
    quota: infrastructure.quota,
    onSendQueued: () => outbound.services.sendWorker.wake(),
    redisUrl: deps.config.redisUrl,
    tickMs: deps.syncTickMs,
    timings,
    onSessionsChanged: auth.sessionsChanged,
    onNotificationsLost: auth.sessionsUnknown,
  });
  const webhooks = createWebhooksModule({
    db,
    clock,
    jobs: infrastructure.jobs,
    secretKey: deps.config.secretKey,
    audit,
    toAccount: inbound.services.accounts.toAccount,
    retrySchedule: deps.config.webhookRetrySchedule,
    allowPrivateUrls: deps.config.webhookAllowPrivateUrls,
    ...deps.webhooks,
  });
  const apiPlatform = createApiPlatformModule({
    db,
    clock,
    secretKey: deps.config.secretKey,
    audit,
    redisUrl: deps.config.redisUrl,
    bus: invalidations?.topic('api-keys'),
    rateLimitPerMinute: deps.config.apiRateLimitPerMinute,
  });
  const intakes = createIntakesModule({
    db,
    clock,
    jobs: infrastructure.jobs,
    quota: infrastructure.quota,
    audit,
    secretKey: deps.config.secretKey,
    publicUrl: deps.config.publicUrl,
    onQueued: () => outbound.services.sendWorker.wake(),
  });
  const reports = createReportService({ db });
  return {
    invalidations,
    auth,
    audit,
    members,
    teams,
    labels,
    canned,
    organization,
    reports,
    availability,
    inbound,
    outbound,
    sync,
    webhooks,
    apiPlatform,
    intakes,
    timings,
  };
};

/**
 * Builds the Fastify app (plugins, modules, routes). It never listens: `main.ts` does, tests use
 * `app.inject()`. Call `await app.ready()` (or inject) before reading `app.routeTable`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    // Our own ids only: a client-supplied id could forge or collide log correlation.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
    // request.ip is the caller's address only behind proxies named here (TRUST_PROXY).
    trustProxy: fastifyTrustProxy(deps.config.trustProxy ?? false),
    // Errors raised before routing, in our envelope (never Fastify's, which quotes the path).
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const scope = route.config?.scope;
    for (const method of [route.method].flat())
      routeTable.push({ method, url: route.url, scope, schema: route.schema });
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const services = createServices(deps);
  await app.register(errorHandlerPlugin);
  await app.register(securityPlugin, { redisUrl: deps.config.redisUrl });
  await app.register(openapiPlugin, { publicUrl: deps.config.publicUrl });
  const keys = await services.apiPlatform.registerAuth(app);
  await app.register(authPlugin, {
    authenticate: services.auth.authenticate,
    keys,
    revoked: services.invalidations && services.auth.revoked,
  });
  app.decorate('apiPlatform', services.apiPlatform.services);
  app.addHook('onReady', async () => services.apiPlatform.start(app.log));
  app.addHook('onClose', () => services.apiPlatform.stop());
  app.addHook('onClose', async () => services.invalidations?.close());
  services.sync.attach(app);

  app.decorate('background', services.inbound.background);
  app.decorate('outbound', { services: services.outbound.services, idle: services.outbound.idle });
  app.decorate('webhooksOut', services.webhooks);
  if (deps.background ?? true) {
    app.addHook('onReady', async () => services.inbound.start(app.log));
    app.addHook('onReady', async () => services.outbound.start(app.log));
    app.addHook('onReady', async () => services.webhooks.start(app.log));
    app.addHook('onClose', () => services.webhooks.stop());
    app.addHook('onClose', () => services.outbound.stop());
    app.addHook('onClose', () => services.inbound.stop());
  }

  await app.register(healthRoutes, { ping: deps.database.ping });
  await registerMetrics(app, {
    token: deps.config.metricsToken ?? '',
    db: deps.database.db,
    timings: services.timings,
    sockets: () => app.sync.sockets(),
  });
  await app.register(invitePageRoutes, { publicUrl: deps.config.publicUrl });
  await services.inbound.registerWebhooks(app);
  await app.register(
    async (api) => {
      await api.register(authRoutes, {
        auth: services.auth,
        rateLimits: deps.authRateLimits ?? DEFAULT_AUTH_RATE_LIMITS,
      });
      await api.register(meRoutes, { prefix: '/me', auth: services.auth });
      await api.register(userRoutes, {
        prefix: '/users',
        members: services.members,
      });
      await api.register(teamRoutes, {
        prefix: '/teams',
        teams: services.teams,
      });
      await api.register(labelRoutes, { prefix: '/labels', labels: services.labels });
      await api.register(cannedResponseRoutes, { prefix: '/canned-responses', canned: services.canned });
      await api.register(organizationRoutes, {
        prefix: '/organization',
        organization: services.organization,
      });
      await api.register(auditRoutes, { prefix: '/audit-events', audit: services.audit });
      await api.register(reportRoutes, { prefix: '/reports', reports: services.reports });
      await api.register(assignmentRoutes, { availability: services.availability });
      await services.inbound.registerApi(api);
      await services.outbound.registerApi(api);
      await services.sync.registerApi(api);
      await services.webhooks.registerApi(api);
      await services.apiPlatform.registerApi(api);
      await services.intakes.registerApi(api);
    },
    { prefix: '/api/v1' },
  );
  return app;
}

/** A hop count as Fastify's trust function (its types take no number; proxy-addr's hop rule). */
function fastifyTrustProxy(setting: false | number | string[]) {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}
