import { hkdfSync } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import type { Role } from '#contract/domain/roles';
import type { Clock } from '../../lib/clock';

/** What an access token asserts. */
export type AccessClaims = {
  /** User id. */
  sub: string;
  /** Organization id: a token is scoped to exactly one. */
  org: string;
  /** Role at issue time (the live role is re-read on every request). */
  role: Role;
  /** Session (refresh-token family) id, checked for revocation on every request. */
  sid: string;
};

/** Signs and verifies HS256 access tokens. */
export type AccessTokens = {
  sign: (claims: AccessClaims) => { token: string; expiresAt: Date };
  /** null when the token is malformed, forged or expired (`expired` tells which). */
  verify: (token: string) => { ok: true; claims: AccessClaims } | { ok: false; expired: boolean };
};

/** Who issues access tokens, and for whom: both required on every token (issue 9, finding 7). */
export const TOKEN_ISSUER = 'parley';
export const TOKEN_AUDIENCE = 'parley-api';

/** Access tokens live about 15 minutes; refresh tokens renew them. */
export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;

/** Derives a purpose-bound key from SECRET_KEY so the root secret never signs anything directly. */
export const deriveKey = (secretKey: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secretKey, 'parley', purpose, 32));

/** Creates the HS256 signer/verifier over a key derived from `secretKey`. */
export function createAccessTokens(deps: { secretKey: string; clock: Clock; ttlMs?: number }): AccessTokens {
  const key = deriveKey(deps.secretKey, 'access-token:v1');
  const ttl = deps.ttlMs ?? ACCESS_TOKEN_TTL_MS;
  const signer = createSigner({
    key,
    algorithm: 'HS256',
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    noTimestamp: true,
  });
  // Expiry is checked against the injected clock below, so fast-jwt's own wall-clock check is off.
  const verifier = createVerifier({
    key,
    algorithms: ['HS256'],
    // A token without them (or for another audience, e.g. a future API-key or webhook token under
    // a key derived alike) is refused, not just one carrying different values.
    allowedIss: TOKEN_ISSUER,
    allowedAud: TOKEN_AUDIENCE,
    requiredClaims: ['iss', 'aud', 'sub', 'exp'],
    ignoreExpiration: true,
    cache: 1000,
  });
  return {
    sign: (claims) => {
      const now = deps.clock.now().getTime();
      const exp = Math.floor((now + ttl) / 1000);
      return {
        token: signer({ ...claims, iat: Math.floor(now / 1000), exp }),
        expiresAt: new Date(exp * 1000),
      };
    },
    verify: (token) => {
      let payload: Record<string, unknown>;
      try {
        payload = verifier(token) as Record<string, unknown>;
      } catch {
        return { ok: false, expired: false };
      }
      const { sub, org, role, sid, exp } = payload;
      if (
        typeof sub !== 'string' ||
        typeof org !== 'string' ||
        typeof sid !== 'string' ||
        typeof exp !== 'number'
      )
        return { ok: false, expired: false };
      if (role !== 'admin' && role !== 'manager' && role !== 'agent') return { ok: false, expired: false };
      if (exp * 1000 <= deps.clock.now().getTime()) return { ok: false, expired: true };
      return { ok: true, claims: { sub, org, role, sid } };
    },
  };
}
