import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { API_SCOPES, type ApiScope } from '#contract/api/api-keys';

/** What each scope allows, for the document's OAuth2 scheme. */
const SCOPE_TEXT: Record<ApiScope, string> = {
  'messages:read': 'Read messages and their status, download media',
  'messages:send': 'Send messages and upload media to send',
  'conversations:read': 'Read conversations',
  'conversations:write': 'Change conversations (status, assignment, labels), mark read',
  'contacts:read': 'Read contacts',
  'contacts:write': 'Create, change and delete contacts',
  'accounts:read': 'Read the WhatsApp numbers (never their credentials)',
  'templates:read': 'Read message templates',
  'webhooks:manage': 'Manage outgoing webhooks',
  'intake:write': 'Post leads to lead intakes',
};

/** Options of {@link openapiPlugin}. */
export type OpenapiPluginOptions = { publicUrl: string };

/**
 * Collects every route's zod schemas into an OpenAPI 3.1 document served at
 * `GET /api/v1/openapi.json`, with a docs page at `/docs`. Register before the routes.
 */
export const openapiPlugin = fp<OpenapiPluginOptions>(
  async (app, opts) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Parley API',
          version: '1',
          description:
            'REST API v1 of the Parley server. Errors are `{"error":{"code","message","details?"}}`.',
        },
        servers: [{ url: opts.publicUrl }],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description:
                'Access token from /api/v1/auth/login (15 minutes), renewed with /api/v1/auth/refresh',
            },
            apiKey: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'pk_live_…',
              description:
                'An API key (`Authorization: Bearer pk_live_…`) created by an admin at /api/v1/api-keys. ' +
                'It may call the routes whose required scopes it holds; routes list them under this scheme.',
            },
            intakeSignature: {
              type: 'apiKey',
              in: 'header',
              name: 'X-Signature-256',
              description:
                'Lead intakes only: `sha256=` + hex HMAC-SHA256 of the raw request body, keyed with the ' +
                'intake’s secret (shown when the intake is created or its secret rotated).',
            },
            oauth2: {
              type: 'oauth2',
              description:
                'OAuth 2.0 client credentials: client_id = the API key id, client_secret = the key. The ' +
                'token (at most 1 hour, default 15 minutes) works like the key with at most its scopes.',
              flows: {
                clientCredentials: {
                  tokenUrl: `${opts.publicUrl}/api/v1/oauth/token`,
                  scopes: Object.fromEntries(API_SCOPES.map((s) => [s, SCOPE_TEXT[s]])),
                },
              },
            },
          },
        },
      },
      // A route without a security requirement is public (sign-up, login, Meta's webhooks,
      // health): say so explicitly, so generated clients send no credentials there.
      // A route whose body is a file itself (`consumes` names only its file types, no body
      // schema, since the handler reads the unparsed stream) documents that body as binary.
      transform: (input) => {
        const out = jsonSchemaTransform(input);
        const { consumes, body } = out.schema as { consumes?: string[]; body?: unknown };
        const isRawFile =
          !body &&
          consumes !== undefined &&
          consumes.every((c) => !c.startsWith('multipart/') && c !== 'application/json');
        return {
          ...out,
          schema: {
            security: [],
            ...out.schema,
            ...(isRawFile && { body: { type: 'string', format: 'binary' } }),
          },
        };
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
