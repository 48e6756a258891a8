import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { Result } from '#contract/result';

const flag = (fallback: '0' | '1') =>
  z
    .enum(['0', '1', 'true', 'false'], { message: 'must be 0 or 1' })
    .default(fallback)
    .transform((v) => v === '1' || v === 'true');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(8787),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL', protocol: /^https?$/ }).optional(),
  DATABASE_URL: z.url({ message: 'must be a postgres:// URL', protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  REDIS_URL: z.url({ message: 'must be a redis:// URL', protocol: /^rediss?$/ }).optional(),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  META_GRAPH_URL: z
    .url({ message: 'must be an absolute http(s) URL', protocol: /^https?$/ })
    .default('https://graph.facebook.com'),
  META_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v25.0')
    .default('v25.0'),
  /** The Meta app (App Dashboard's App ID) template header samples are uploaded on (Resumable Upload API). */
  META_APP_ID: z.string().regex(/^\d+$/, 'must be the App ID (digits)').optional(),
  DEMO: flag('0'),
  DEMO_PACE_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 (customers silent) or more')
    .max(86_400, 'must be at most 86400 (a day)')
    .default(90),
  ALLOW_SIGNUP: flag('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_000_000, 'must be at most 1000000')
    .default(600),
  ALLOW_PRIVATE_MEDIA_URLS: flag('0'),
  MONTHLY_MESSAGE_QUOTA: z.coerce
    .number({ message: 'must be a number of messages' })
    .int('must be a whole number of messages')
    .min(1, 'must be at least 1 (leave it unset for no quota)')
    .max(1_000_000_000, 'must be at most 1000000000')
    .optional(),
  SIGNUP_RATE_LIMIT_PER_HOUR: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(10),
  SIGNIN_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(30),
  OFFLINE_AFTER_SECONDS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(10, 'must be at least 10')
    .default(120),
  TRUST_PROXY: z
    .string()
    .transform(parseTrustProxy)
    .pipe(z.union([z.literal(false), z.number(), z.array(z.string())]))
    .optional(),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .transform(parseRetrySchedule)
    .pipe(z.array(z.number()))
    .default([5, 300, 1800, 7200, 18000, 36000, 36000]),
  WEBHOOK_ALLOW_PRIVATE_URLS: flag('0'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

/**
 * `WEBHOOK_RETRY_SCHEDULE`: seconds between attempts of one outgoing webhook delivery,
 * comma-separated (`5,300,1800`); one retry per entry, so its length is the number of retries.
 */
function parseRetrySchedule(raw: string, ctx: z.RefinementCtx): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (
    parts.length === 0 ||
    parts.length > 20 ||
    values.some((v, i) => parts[i] === '' || !Number.isFinite(v) || v < 0 || v > 7 * 86_400)
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be 1 to 20 comma-separated second counts between 0 and 604800 (like 5,300,1800)',
    });
    return z.NEVER;
  }
  return values;
}

/**
 * `TRUST_PROXY`: off by default (the socket's address is the caller's); a hop count (`1` behind
 * one load balancer) or a comma-separated list of proxy addresses/CIDRs whose
 * `X-Forwarded-For` is believed. `true` (trust any hop) is refused: anyone could then forge
 * their address past IP allow-lists and throttles.
 */
function parseTrustProxy(raw: string, ctx: z.RefinementCtx): false | number | string[] {
  const value = raw.trim();
  if (value === 'false' || value === '0') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = entries.find((entry) => !isAddressOrCidr(entry));
  if (bad !== undefined || entries.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a hop count or a comma-separated list of proxy addresses or CIDRs (not ${JSON.stringify(bad ?? value)})`,
    });
    return z.NEVER;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  try {
    if (entry.includes('/')) ipaddr.parseCIDR(entry);
    else ipaddr.parse(entry);
    return true;
  } catch {
    return false;
  }
}

/** Typed server configuration, parsed from the environment once at boot. */
export type Config = {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Base of URLs handed out (invite links, webhook URLs); never ends with a slash. */
  publicUrl: string;
  /** PostgreSQL connection string; undefined means embedded PGlite in `dataDir/pg`. */
  databaseUrl: string | undefined;
  /** Absolute path of the data directory. */
  dataDir: string;
  redisUrl: string | undefined;
  /** Signing/encryption root secret; undefined until `ensureSecretKey` fills it outside production. */
  secretKey: string | undefined;
  metaGraphUrl: string;
  metaApiVersion: string;
  /** `META_APP_ID`: the Meta app template header samples are uploaded on; unset = uploads refused with a sentence. */
  metaAppId: string | undefined;
  demo: boolean;
  /** Demo only: a simulated customer writes about every this many seconds (0: never). */
  demoPaceSeconds: number;
  allowSignup: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Fastify's `trustProxy`: false, a hop count, or the proxies' addresses/CIDRs. */
  trustProxy: false | number | string[];
  /** Sign-ups per client address per hour (`SIGNUP_RATE_LIMIT_PER_HOUR`). */
  signupRateLimitPerHour: number;
  /** Sign-in attempts per client address per minute (`SIGNIN_RATE_LIMIT_PER_MINUTE`). */
  signInRateLimitPerMinute: number;
  /** A member with no connected client for this long shows Offline (`OFFLINE_AFTER_SECONDS`). */
  offlineAfterSeconds: number;
  /** Seconds before each retry of an outgoing webhook delivery (`WEBHOOK_RETRY_SCHEDULE`). */
  webhookRetrySchedule: number[];
  /** Outgoing webhooks may target http and private addresses (development and tests only). */
  webhookAllowPrivateUrls: boolean;
  /** Requests per minute an API key may make unless the key sets its own limit. */
  apiRateLimitPerMinute: number;
  /**
   * Media-by-URL may fetch private/loopback addresses (tests and local development only; the
   * SSRF guard refuses them otherwise).
   */
  allowPrivateMediaUrls: boolean;
  /** Bearer token of `GET /metrics`; undefined: the route does not exist. */
  metricsToken: string | undefined;
  /**
   * Outbound messages an organization may send per calendar month (UTC) unless an admin sets its
   * own quota (`MONTHLY_MESSAGE_QUOTA`); undefined = unlimited.
   */
  monthlyMessageQuota?: number | undefined;
};

/** A config whose secret key is known. */
export type ReadyConfig = Config & { secretKey: string };

/**
 * Parses the environment. Fails with ONE line naming the first bad variable and what is wrong,
 * which `main.ts` prints before exiting (`Invalid configuration: PORT must be a port number`).
 */
export function parseConfig(
  env: Record<string, string | undefined>,
): Result<Config, { code: 'invalid_config'; message: string }> {
  // Empty strings count as unset so `PORT= npm run server` behaves like no PORT at all.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in EnvSchema.shape && v !== undefined && v.trim() !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    return fail(`${variable} ${issue?.message ?? 'is invalid'} (got ${JSON.stringify(env[variable] ?? '')})`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.SECRET_KEY) {
    return fail('SECRET_KEY is required when NODE_ENV=production (at least 32 random characters)');
  }
  if (e.NODE_ENV === 'production' && e.WEBHOOK_ALLOW_PRIVATE_URLS) {
    return fail(
      'WEBHOOK_ALLOW_PRIVATE_URLS is refused when NODE_ENV=production: webhooks could then reach internal services',
    );
  }
  const publicUrl = (
    e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`
  ).replace(/\/+$/, '');
  return {
    ok: true,
    value: {
      nodeEnv: e.NODE_ENV,
      port: e.PORT,
      host: e.HOST,
      publicUrl,
      databaseUrl: e.DATABASE_URL,
      dataDir: resolve(e.DATA_DIR),
      redisUrl: e.REDIS_URL,
      secretKey: e.SECRET_KEY,
      metaGraphUrl: e.META_GRAPH_URL.replace(/\/+$/, ''),
      metaApiVersion: e.META_API_VERSION,
      metaAppId: e.META_APP_ID,
      demo: e.DEMO,
      demoPaceSeconds: e.DEMO_PACE_SECONDS,
      allowSignup: e.ALLOW_SIGNUP,
      logLevel: e.LOG_LEVEL,
      trustProxy: e.TRUST_PROXY ?? false,
      signupRateLimitPerHour: e.SIGNUP_RATE_LIMIT_PER_HOUR,
      signInRateLimitPerMinute: e.SIGNIN_RATE_LIMIT_PER_MINUTE,
      offlineAfterSeconds: e.OFFLINE_AFTER_SECONDS,
      webhookRetrySchedule: e.WEBHOOK_RETRY_SCHEDULE,
      webhookAllowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS,
      apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      allowPrivateMediaUrls: e.ALLOW_PRIVATE_MEDIA_URLS,
      metricsToken: e.METRICS_TOKEN,
      monthlyMessageQuota: e.MONTHLY_MESSAGE_QUOTA,
    },
  };
}

const fail = (message: string) => ({
  ok: false as const,
  error: { code: 'invalid_config' as const, message },
});

/**
 * Returns the config with a secret key: the configured one, or (outside production) one generated
 * once into `DATA_DIR/secret.key` (mode 0600) and reused on later boots, so tokens survive restarts.
 */
export function ensureSecretKey(config: Config): ReadyConfig {
  if (config.secretKey) return { ...config, secretKey: config.secretKey };
  if (config.nodeEnv === 'production') throw new Error('SECRET_KEY is required when NODE_ENV=production');
  const file = join(config.dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 32) return { ...config, secretKey: key };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { ...config, secretKey: key };
}
