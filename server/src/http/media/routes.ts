import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import type { MediaService } from '../../domain/media/media-service';
import { principalOf } from '../../plugins/auth';
import { AUTHED, errors, unwrap, keyOr } from '../responses';

const INLINE = /^(image|audio|video)\//;

/**
 * `GET /api/v1/media/:id`: the stored bytes, tenant-scoped (other organizations' ids are 404).
 * Content is immutable per id, so the ETag is the sha256 and clients may cache it for good;
 * it is served sandboxed and never sniffed, so a hostile file cannot run as a page of ours.
 */
export const mediaRoutes: FastifyPluginAsyncZod<{ media: MediaService }> = async (app, { media }) => {
  app.addHook('preHandler', app.requireAuth);
  app.get(
    '/:id',
    {
      config: { scope: 'messages:read' },
      schema: {
        tags: ['media'],
        security: keyOr('messages:read'),
        summary: 'Download media bytes',
        params: IdParams,
        response: { ...errors(...AUTHED, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { row, stream, size } = unwrap(await media.open(p.organizationId, p, req.params.id));
      const etag = `"${row.sha256}"`;
      reply
        .header('etag', etag)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'");
      if (req.headers['if-none-match'] === etag) {
        stream.destroy();
        return reply.code(304).send(null as never);
      }
      const name = row.fileName ? `; filename*=UTF-8''${encodeURIComponent(row.fileName)}` : '';
      return (
        reply
          .type(row.mimeType)
          .header('content-length', String(size))
          .header('content-disposition', `${INLINE.test(row.mimeType) ? 'inline' : 'attachment'}${name}`)
          // A stream bypasses the response serializer; the schema documents the error bodies only.
          .send(stream as never)
      );
    },
  );
};
