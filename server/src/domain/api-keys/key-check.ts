import { eq, sql } from 'drizzle-orm';
import { API_KEY_PREFIX, type ApiScope } from '#contract/api/api-keys';
import { fail, ok, type Result } from '#contract/result';
import type { Clock } from '../../lib/clock';
import type { InvalidationBus } from '../../lib/invalidation-bus';
import type { Db } from '../../storage/db';
import { apiKeys } from '../../storage/schema/index';
import type { Principal } from '../auth/auth-service';
import { KEY_ROLE } from '../visibility/rule';
import { compileAllowList } from './allowed-ips';
import { looksLikeApiKey, type KeySecrets } from './key-secrets';
import { OAUTH_TOKEN_PREFIX, type OAuthTokens } from './oauth-tokens';

// The check behind every key-authenticated request: API key or client-credentials token →
// principal, from an in-process cache so a request costs no query once its key is known.
// Freshness ("a revoked or expired key is refused within 1 s on every process"):
// - expiry is checked against the clock on every request (exact);
// - a change (revoke, PATCH) drops the key here at once and is published on the invalidation
//   bus (Redis pub/sub when REDIS_URL is set), which drops it on every other process;
// - as a floor, an entry is only trusted for `ttlMs`: 1 s without a bus (so other processes
//   sharing the database converge within a second), longer with one.
// Misses are not cached: a flood of random keys costs one indexed lookup each, never memory.

/** A key as the check keeps it. */
type CachedKey = {
  id: string;
  organizationId: string;
  name: string;
  scopes: readonly ApiScope[];
  allows: (ip: string) => boolean;
  expiresAt: Date | null;
  revoked: boolean;
  rateLimitPerMinute: number | null;
  loadedAt: number;
};

/** Dependencies of {@link createKeyCheck}. */
export type KeyCheckDeps = {
  db: Db;
  clock: Clock;
  secrets: KeySecrets;
  tokens: OAuthTokens;
  /** Cross-process invalidation; absent = this process only (then entries live 1 s). */
  bus?: InvalidationBus | undefined;
  /** How long an entry is trusted without a new read (default: 1 s without a bus, 60 s with). */
  ttlMs?: number;
  /** How often `lastUsedAt`/`lastUsedIp` are written (default 30 s). */
  usageFlushMs?: number;
};

/** The key check. */
export type KeyCheck = ReturnType<typeof createKeyCheck>;

/** Whether a bearer token is for the key check (an API key or a client-credentials token). */
export const isKeyToken = (token: string): boolean =>
  token.startsWith(API_KEY_PREFIX) || token.startsWith(OAUTH_TOKEN_PREFIX);

/** Creates the key check. */
export function createKeyCheck(deps: KeyCheckDeps) {
  const { db, clock, secrets, tokens } = deps;
  const ttl = deps.ttlMs ?? (deps.bus ? 60_000 : 1_000);
  const byHash = new Map<string, CachedKey>();
  const byId = new Map<string, CachedKey>();
  const MAX = 10_000;
  /** Last use per key since the last flush (coalesced: one UPDATE per key per flush). */
  const usage = new Map<string, { at: Date; ip: string }>();

  const drop = (keyId: string | null) => {
    if (keyId === null) {
      byHash.clear();
      byId.clear();
      return;
    }
    const entry = byId.get(keyId);
    byId.delete(keyId);
    if (entry) for (const [h, e] of byHash) if (e === entry) byHash.delete(h);
  };
  deps.bus?.subscribe(drop);

  const load = async (where: { hash: string } | { id: string }): Promise<CachedKey | undefined> => {
    const loadedAt = Date.now();
    const [row] = await db
      .select()
      .from(apiKeys)
      .where('hash' in where ? eq(apiKeys.secretHash, where.hash) : eq(apiKeys.id, where.id));
    if (!row) return undefined;
    const entry: CachedKey = {
      id: row.id,
      organizationId: row.organizationId,
      name: row.name,
      scopes: row.scopes as ApiScope[],
      allows: compileAllowList(row.allowedIps),
      expiresAt: row.expiresAt,
      revoked: row.revokedAt !== null,
      rateLimitPerMinute: row.rateLimitPerMinute,
      loadedAt,
    };
    if (byId.size >= MAX) drop(null);
    byId.set(row.id, entry);
    byHash.set(row.secretHash, entry);
    return entry;
  };
  const fresh = (e: CachedKey | undefined) => (e && Date.now() - e.loadedAt < ttl ? e : undefined);

  /** Refusals shared by keys and tokens, then the principal. */
  const admit = (
    entry: CachedKey | undefined,
    ip: string,
    scopes: readonly ApiScope[],
  ): Result<Principal> => {
    if (!entry) return fail('unauthorized', 'Invalid API key');
    if (entry.revoked) return fail('unauthorized', `The API key "${entry.name}" was revoked`);
    if (entry.expiresAt && entry.expiresAt <= clock.now())
      return fail('token_expired', `The API key "${entry.name}" expired on ${entry.expiresAt.toISOString()}`);
    if (!entry.allows(ip))
      return fail('ip_not_allowed', `Requests from ${ip} are not allowed for the API key "${entry.name}"`, {
        ip,
      });
    usage.set(entry.id, { at: clock.now(), ip });
    return ok({
      userId: entry.id,
      organizationId: entry.organizationId,
      role: KEY_ROLE,
      sessionId: '',
      apiKey: { id: entry.id, name: entry.name, scopes, rateLimitPerMinute: entry.rateLimitPerMinute },
    });
  };

  const flush = async () => {
    if (usage.size === 0) return;
    const batch = [...usage];
    usage.clear();
    for (const [id, u] of batch)
      await db
        .update(apiKeys)
        .set({
          lastUsedAt: sql`greatest(${apiKeys.lastUsedAt}, ${u.at.toISOString()}::timestamptz)`,
          lastUsedIp: u.ip,
        })
        .where(eq(apiKeys.id, id));
  };
  let timer: NodeJS.Timeout | undefined;

  return {
    /** Authenticates an API key or a client-credentials token presented by `ip`. */
    authenticate: async (token: string, ip: string): Promise<Result<Principal>> => {
      if (token.startsWith(OAUTH_TOKEN_PREFIX)) {
        const claims = tokens.verify(token);
        if (!claims.ok)
          return claims.expired
            ? fail('token_expired', 'The access token has expired; request a new one')
            : fail('unauthorized', 'Invalid access token');
        const entry = fresh(byId.get(claims.keyId)) ?? (await load({ id: claims.keyId }));
        if (entry && entry.organizationId !== claims.organizationId)
          return fail('unauthorized', 'Invalid access token');
        // A token has at most its key's CURRENT scopes: narrowing the key narrows its tokens.
        const scopes = entry ? claims.scopes.filter((s) => entry.scopes.includes(s)) : [];
        return admit(entry, ip, scopes);
      }
      if (!looksLikeApiKey(token)) return fail('unauthorized', 'Invalid API key');
      const hash = secrets.hash(token);
      const entry = fresh(byHash.get(hash)) ?? (await load({ hash }));
      return admit(entry, ip, entry?.scopes ?? []);
    },

    /**
     * The key whose secret is `secret`, if it is `id` and usable: the client authentication
     * of `POST /oauth/token` (no address check there: tokens are checked where they are used).
     */
    verifyClient: async (id: string, secret: string) => {
      if (!looksLikeApiKey(secret)) return undefined;
      const entry = await load({ hash: secrets.hash(secret) });
      if (!entry || entry.id !== id || entry.revoked) return undefined;
      if (entry.expiresAt && entry.expiresAt <= clock.now()) return undefined;
      return {
        id: entry.id,
        organizationId: entry.organizationId,
        scopes: entry.scopes,
        expiresAt: entry.expiresAt,
      };
    },

    /** Drops a key here and on every process listening to the bus (call after a change committed). */
    invalidate: (keyId: string) => {
      drop(keyId);
      // Not awaited: a key's freshness is "within 1 s" (the bus delivers in milliseconds).
      void deps.bus?.publish(keyId);
    },

    /** Starts the periodic usage flush. */
    start: () => {
      timer ??= setInterval(() => void flush().catch(() => undefined), deps.usageFlushMs ?? 30_000);
      timer.unref();
    },
    /** Stops the flush and writes what is pending. */
    stop: async () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
    },
    /** Writes pending usage now (tests). */
    flush,
  };
}
