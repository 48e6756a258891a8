import { ApiScope, type OAuthError, type OAuthTokenResponse } from '#contract/api/api-keys';
import type { KeyCheck } from './key-check';
import { OAUTH_DEFAULT_TTL_S, OAUTH_MAX_TTL_S, type OAuthTokens } from './oauth-tokens';

// The client-credentials grant (RFC 6749 §4.4): client_id = the key's id, client_secret = the
// key. Errors are the RFC's (§5.2), not Parley's envelope, because OAuth client libraries
// parse them.

/** What the token endpoint received, from the body or HTTP Basic. */
export type GrantRequest = {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  scope: string | undefined;
  expiresIn: number | undefined;
  /** Credentials came in both the body and Basic (RFC 6749 §2.3: use one method). */
  twoMethods: boolean;
};

/** The grant's outcome: a token response, or an RFC error with its HTTP status. */
export type GrantOutcome =
  { ok: true; value: OAuthTokenResponse } | { ok: false; status: 400 | 401; error: OAuthError };

const refuse = (status: 400 | 401, error: OAuthError['error'], description: string): GrantOutcome => ({
  ok: false,
  status,
  error: { error, error_description: description },
});

/** Issues a token for a valid key, at most its scopes, for at most {@link OAUTH_MAX_TTL_S}. */
export async function grantClientCredentials(
  deps: { keys: Pick<KeyCheck, 'verifyClient'>; tokens: OAuthTokens; now: () => Date },
  req: GrantRequest,
): Promise<GrantOutcome> {
  if (req.twoMethods)
    return refuse(400, 'invalid_request', 'Send the client credentials one way: Basic or body');
  if (req.grantType === undefined) return refuse(400, 'invalid_request', 'grant_type is missing');
  if (req.grantType !== 'client_credentials')
    return refuse(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
  if (!req.clientId || !req.clientSecret)
    return refuse(401, 'invalid_client', 'Send client_id (the key id) and client_secret (the key)');
  const key = await deps.keys.verifyClient(req.clientId, req.clientSecret);
  if (!key) return refuse(401, 'invalid_client', 'Unknown, revoked or expired client, or wrong secret');
  let scopes = [...key.scopes];
  if (req.scope !== undefined && req.scope.trim() !== '') {
    const asked = [...new Set(req.scope.trim().split(/\s+/))];
    const unknown = asked.find((s) => !ApiScope.safeParse(s).success);
    if (unknown !== undefined) return refuse(400, 'invalid_scope', `Unknown scope "${unknown}"`);
    const beyond = asked.find((s) => !key.scopes.includes(s as ApiScope));
    if (beyond !== undefined)
      return refuse(400, 'invalid_scope', `The key does not hold the scope "${beyond}"`);
    scopes = asked as ApiScope[];
  }
  if (req.expiresIn !== undefined && (!Number.isInteger(req.expiresIn) || req.expiresIn < 1))
    return refuse(400, 'invalid_request', 'expires_in must be a positive whole number of seconds');
  let ttl = Math.min(req.expiresIn ?? OAUTH_DEFAULT_TTL_S, OAUTH_MAX_TTL_S);
  // A token never outlives its key.
  if (key.expiresAt) ttl = Math.min(ttl, Math.floor((key.expiresAt.getTime() - deps.now().getTime()) / 1000));
  if (ttl < 1) return refuse(401, 'invalid_client', 'The key expires now');
  const token = deps.tokens.sign({ keyId: key.id, organizationId: key.organizationId, scopes }, ttl);
  return {
    ok: true,
    value: { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' ') },
  };
}
