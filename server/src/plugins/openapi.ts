import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

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
          },
        },
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
