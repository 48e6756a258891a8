import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HealthResponse } from '#contract/api/health';
import { errors } from '../responses';
import { sendAppError } from '../../plugins/error-handler';

/** Dependencies of {@link healthRoutes}. */
export type HealthDeps = { ping: () => Promise<void>; timeoutMs?: number };

/** `GET /healthz`: ok only when the database answers within the timeout. */
export const healthRoutes: FastifyPluginAsyncZod<HealthDeps> = async (app, { ping, timeoutMs = 2000 }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and database check',
        response: { 200: HealthResponse, ...errors(503) },
      },
    },
    async (req, reply) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ping(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('database ping timed out')), timeoutMs);
          }),
        ]);
        return { status: 'ok' as const };
      } catch (e) {
        req.log.warn({ err: e }, 'health check failed');
        return sendAppError(reply, { code: 'service_unavailable', message: 'The database does not answer' });
      } finally {
        clearTimeout(timer);
      }
    },
  );
};
