import { createSigner, createVerifier } from 'fast-jwt';
import { ApiScope } from '#contract/api/api-keys';
import type { Clock } from '../../lib/clock';
import { deriveKey } from '../auth/access-tokens';

// Client-credentials access tokens (RFC 6749 §4.4): an HS256 JWT under a key derived from
// SECRET_KEY for this purpose only (a user token can never pass as one, nor the reverse), behind
// a prefix so the auth hook routes it to the key check without parsing. The token names its key;
// the key check re-reads that key (cached), so a token dies with its key.

/** Every client-credentials token starts with this. */
export const OAUTH_TOKEN_PREFIX = 'pk_oauth_';

/** Default and maximum lifetime of a token, in seconds. */
export const OAUTH_DEFAULT_TTL_S = 15 * 60;
export const OAUTH_MAX_TTL_S = 60 * 60;

/** What a token asserts. */
export type OAuthClaims = { keyId: string; organizationId: string; scopes: ApiScope[] };

/** Signs and verifies client-credentials tokens. */
export type OAuthTokens = ReturnType<typeof createOAuthTokens>;

/** Creates the signer/verifier over a key derived from `secretKey`. */
export function createOAuthTokens(deps: { secretKey: string; clock: Clock }) {
  const key = deriveKey(deps.secretKey, 'oauth-client-token:v1');
  const signer = createSigner({
    key,
    algorithm: 'HS256',
    iss: 'parley',
    aud: 'parley-api',
    noTimestamp: true,
  });
  const verifier = createVerifier({
    key,
    algorithms: ['HS256'],
    allowedIss: 'parley',
    allowedAud: 'parley-api',
    ignoreExpiration: true,
    cache: 1000,
  });
  return {
    sign: (claims: OAuthClaims, ttlSeconds: number): string => {
      const now = Math.floor(deps.clock.now().getTime() / 1000);
      const jwt = signer({
        kid: claims.keyId,
        org: claims.organizationId,
        scope: claims.scopes.join(' '),
        iat: now,
        exp: now + ttlSeconds,
      });
      return `${OAUTH_TOKEN_PREFIX}${jwt}`;
    },
    verify: (token: string): ({ ok: true } & OAuthClaims) | { ok: false; expired: boolean } => {
      let payload: Record<string, unknown>;
      try {
        payload = verifier(token.slice(OAUTH_TOKEN_PREFIX.length)) as Record<string, unknown>;
      } catch {
        return { ok: false, expired: false };
      }
      const { kid, org, scope, exp } = payload;
      if (
        typeof kid !== 'string' ||
        typeof org !== 'string' ||
        typeof scope !== 'string' ||
        typeof exp !== 'number'
      )
        return { ok: false, expired: false };
      if (exp * 1000 <= deps.clock.now().getTime()) return { ok: false, expired: true };
      const scopes = scope.split(' ').filter((s): s is ApiScope => ApiScope.safeParse(s).success);
      return { ok: true, keyId: kid, organizationId: org, scopes };
    },
  };
}
