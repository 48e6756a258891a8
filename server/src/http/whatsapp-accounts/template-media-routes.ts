import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '#contract/api/common';
import {
  TEMPLATE_MEDIA_LIMITS,
  TemplateMediaHandle,
  TemplateMediaType,
  UploadTemplateMediaQuery,
} from '#contract/api/template-media';
import { fail } from '#contract/result';
import type { TemplateMedia } from '../../domain/templates/template-media';
import { principalOf } from '../../plugins/auth';
import { AUTHED, bearer, errors, unwrap } from '../responses';

const TYPES = Object.keys(TEMPLATE_MEDIA_LIMITS);

/** The declared body length, or undefined when the request has none (chunked). */
const declaredLength = (h: string | undefined): number | undefined => {
  const n = h === undefined ? NaN : Number(h);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/**
 * `POST /api/v1/whatsapp-accounts/:id/template-media?fileName=…`: a template's media header
 * sample, the file itself as the body (`Content-Type` its MIME type, `Content-Length` declared),
 * streamed on to Meta with the number's token (Resumable Upload API) in chunks; answers the
 * handle to put in the header's `example`. Admins only; no API-key scope (administration).
 *
 * The four types' parser hands the handler the unread request stream (registered in this plugin
 * only; every other route stays JSON), so the role, the number and the declared size are all
 * checked before a byte is read, and a 100 MB PDF is never held whole.
 */
export const templateMediaRoutes: FastifyPluginAsyncZod<{ media: TemplateMedia }> = async (
  app,
  { media },
) => {
  app.addContentTypeParser(TYPES, (_req, payload, done) => done(null, payload));
  // Any other type (JSON aside, parsed as everywhere) reaches the handler unread too, so the
  // 415 names the types this route takes instead of Fastify's generic sentence.
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  app.addHook('preHandler', app.requireAuth);
  app.post(
    '/:id/template-media',
    {
      schema: {
        tags: ['whatsapp-accounts'],
        security: bearer,
        summary: 'Upload a template’s media header sample to Meta (admin); answers its handle',
        description:
          'The body is the file itself, its MIME type as `Content-Type` and its length as `Content-Length` (required): JPEG or PNG up to 5 MB, MP4 up to 16 MB, PDF up to 100 MB; a larger declared length is refused with 413 before the body is read. The answer’s `handle` goes in the template’s header `example`.',
        consumes: TYPES,
        params: IdParams,
        querystring: UploadTemplateMediaQuery,
        response: { 200: TemplateMediaHandle, ...errors(...AUTHED, 403, 404, 409, 415, 422, 502) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const type = TemplateMediaType.safeParse(
        (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
      );
      if (!type.success)
        return unwrap(
          fail(
            'unsupported_media_type',
            'Send the file itself as the body, with its type as Content-Type: image/jpeg, image/png, video/mp4 or application/pdf.',
          ),
        );
      const r = await media.upload(p.organizationId, p, req.params.id, {
        fileName: req.query.fileName,
        mimeType: type.data,
        length: declaredLength(req.headers['content-length']),
        body: req.body as AsyncIterable<Uint8Array>,
      });
      // A refusal before the body was read: close the connection rather than let the client
      // send the rest of a file nobody will read.
      if (!r.ok && !req.raw.readableEnded) reply.header('connection', 'close');
      return unwrap(r);
    },
  );
};
