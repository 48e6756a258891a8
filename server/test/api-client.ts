import type { FastifyInstance } from 'fastify';
import createClient from 'openapi-fetch';
import type { paths } from './openapi-types';

/**
 * A typed client of Parley's REST API generated from its OpenAPI document (`npm run
 * gen:api-types`), calling `app` through `inject()`: a route the document describes wrongly
 * (path, parameters, body, response) fails the test that uses it, at compile or run time.
 */
export function apiClient(app: FastifyInstance, bearer: string) {
  return createClient<paths>({
    baseUrl: 'http://parley.test',
    headers: { authorization: `Bearer ${bearer}` },
    fetch: async (request: Request) => {
      const url = new URL(request.url);
      const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
      const res = await app.inject({
        method: request.method as 'GET',
        url: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        ...(body && { payload: body }),
      });
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
      return new Response(res.statusCode === 204 ? null : res.rawPayload, {
        status: res.statusCode,
        headers,
      });
    },
  });
}
