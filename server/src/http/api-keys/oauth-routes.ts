import type { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { OAuthError, OAuthTokenBody, OAuthTokenResponse } from '#contract/api/api-keys';
import { grantClientCredentials, type GrantRequest } from '../../domain/api-keys/oauth-grant';
import type { KeyCheck } from '../../domain/api-keys/key-check';
import type { OAuthTokens } from '../../domain/api-keys/oauth-tokens';

/** Decodes HTTP Basic client credentials (RFC 6749 §2.3.1: each part form-urlencoded). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null | 'bad' {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!m?.[1]) return /^Basic\b/i.test(header) ? 'bad' : null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'bad';
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return 'bad';
  }
}

/**
 * `POST /api/v1/oauth/token`: the OAuth 2.0 client-credentials grant over an API key. Accepts a
 * form or JSON body and HTTP Basic; answers RFC 6749 §5.1/§5.2 bodies (not Parley's envelope)
 * with `Cache-Control: no-store`.
 */
export const oauthRoutes: FastifyPluginAsyncZod<{
  keys: KeyCheck;
  tokens: OAuthTokens;
  now: () => Date;
}> = async (app, deps) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.post(
    '/token',
    {
      attachValidation: true,
      schema: {
        tags: ['oauth'],
        summary: 'Exchange an API key for a short-lived access token (client credentials)',
        description:
          'RFC 6749 §4.4. `client_id` is the API key id, `client_secret` the key, sent as a form or ' +
          "JSON body or with HTTP Basic. Optional `scope` (space-separated, at most the key's) and " +
          "`expires_in` (seconds, default 900, at most 3600, never beyond the key's expiry). The token " +
          'is used as `Authorization: Bearer …` wherever the key works and dies with the key. Errors ' +
          'follow RFC 6749 §5.2.',
        security: [],
        body: OAuthTokenBody,
        response: {
          200: OAuthTokenResponse,
          400: OAuthError.describe('invalid_request, unsupported_grant_type or invalid_scope'),
          401: OAuthError.describe('invalid_client'),
        },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      if (req.validationError) {
        return reply
          .code(400)
          .send({ error: 'invalid_request', error_description: req.validationError.message });
      }
      const basic = basicCredentials(req.headers.authorization);
      if (basic === 'bad') {
        reply.header('www-authenticate', 'Basic realm="parley"');
        return reply
          .code(401)
          .send({ error: 'invalid_client', error_description: 'Malformed Basic credentials' });
      }
      const body = (req.body ?? {}) as z.infer<typeof OAuthTokenBody>;
      const request: GrantRequest = {
        grantType: body.grant_type,
        clientId: basic?.id ?? body.client_id,
        clientSecret: basic?.secret ?? body.client_secret,
        scope: body.scope,
        expiresIn: body.expires_in,
        twoMethods: basic !== null && (body.client_id !== undefined || body.client_secret !== undefined),
      };
      const outcome = await grantClientCredentials(
        { keys: deps.keys, tokens: deps.tokens, now: deps.now },
        request,
      );
      if (outcome.ok) return reply.code(200).send(outcome.value);
      if (outcome.status === 401 && basic) reply.header('www-authenticate', 'Basic realm="parley"');
      return reply.code(outcome.status).send(outcome.error);
    },
  );
};
