import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BootstrapLine,
  BootstrapQuery,
  HistoryQuery,
  HistoryResponse,
  PullQuery,
  PullResponse,
} from '#contract/sync/protocol';
import type { BootstrapService } from '../../domain/sync/bootstrap';
import type { createPullService } from '../../domain/sync/pull';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap } from '../responses';

/** Lines per write of a bootstrap stream (one chunk per about this many rows). */
const LINES_PER_CHUNK = 200;

/**
 * `/api/v1/sync`: cursor-paged pull, the phased NDJSON bootstrap and conversation history
 * (sync-protocol §2.5, §2.11; shapes in contract/sync/protocol.ts). Bodies are serialized
 * with `JSON.stringify` rather than through the response schema: pages hold thousands of rows,
 * and the client parses every one with the same contract.
 */
export const syncRoutes: FastifyPluginAsyncZod<{
  pull: ReturnType<typeof createPullService>;
  bootstrap: BootstrapService;
}> = async (app, { pull, bootstrap }) => {
  app.addHook('preHandler', app.requireAuth);
  const common = { tags: ['sync'], security: bearer };

  app.get(
    '/pull',
    {
      schema: {
        ...common,
        summary: 'Changes after a cursor, compacted and filtered to what the caller may see',
        querystring: PullQuery,
        response: { 200: PullResponse, ...errors(...AUTHED, 404) },
      },
    },
    async (req, reply) => {
      const body = unwrap(await pull.pull(principalOf(req), req.query));
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(body) as never);
    },
  );

  app.get(
    '/bootstrap',
    {
      schema: {
        ...common,
        summary:
          'One phase of the initial snapshot, as NDJSON lines (a trailer with snapshotSeq and counts last)',
        querystring: BootstrapQuery,
        response: {
          200: z.array(BootstrapLine).describe('application/x-ndjson: one BootstrapLine per line'),
          ...errors(...AUTHED),
        },
      },
    },
    async (req, reply) => {
      const lines = bootstrap.bootstrap(principalOf(req), req.query);
      async function* chunks() {
        let buf: string[] = [];
        for await (const line of lines) {
          buf.push(JSON.stringify(line));
          if (buf.length >= LINES_PER_CHUNK) {
            yield `${buf.join('\n')}\n`;
            buf = [];
          }
        }
        if (buf.length > 0) yield `${buf.join('\n')}\n`;
      }
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(Readable.from(chunks()) as never);
    },
  );

  app.get(
    '/history',
    {
      schema: {
        ...common,
        summary: "A page of one conversation's older messages (keyset by convSeq)",
        querystring: HistoryQuery,
        response: { 200: HistoryResponse, ...errors(...AUTHED, 404) },
      },
    },
    async (req, reply) => {
      const body = unwrap(await bootstrap.history(principalOf(req), req.query));
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(body) as never);
    },
  );
};
