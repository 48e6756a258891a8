import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Media } from '#contract/api/media';
import { MediaType } from '#contract/domain/messaging';
import { UPLOAD_MAX_BYTES, type MediaUploads } from '../../domain/media/media-upload';
import { fail } from '#contract/result';
import { principalOf } from '../../plugins/auth';
import { AUTHED, errors, unwrap, keyOr } from '../responses';

/** `POST /api/v1/media?type=image`: the type the file will be sent as decides WhatsApp's limits. */
const UploadQuery = z.object({
  /** image | video | audio | document | sticker; default: what the file's MIME type implies. */
  type: MediaType.optional(),
});

/**
 * `POST /api/v1/media`: multipart upload (one `file` part, up to 100 MB) checked against
 * WhatsApp's type and size limits for the type it will be sent as, stored tenant-scoped.
 * Multipart parsing is registered in this plugin only; every other route stays JSON-only.
 */
export const mediaUploadRoutes: FastifyPluginAsyncZod<{ uploads: MediaUploads }> = async (
  app,
  { uploads },
) => {
  await app.register(multipart, {
    limits: { fileSize: UPLOAD_MAX_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 1024 },
  });
  app.addHook('preHandler', app.requireAuth);
  app.post(
    '/',
    {
      config: { scope: 'messages:send' },
      schema: {
        tags: ['media'],
        security: keyOr('messages:send'),
        summary: 'Upload a file to send (multipart/form-data, field "file")',
        consumes: ['multipart/form-data'],
        querystring: UploadQuery,
        response: { 201: Media, ...errors(...AUTHED, 415, 422) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (!req.isMultipart())
        return unwrap(
          fail('unsupported_media_type', 'Upload the file as multipart/form-data in a field named “file”.'),
        );
      const part = await req.file();
      if (!part)
        return unwrap(
          fail('invalid_input', 'No file in the upload', {
            fields: [{ path: 'body.file', message: 'Required' }],
          }),
        );
      const field = part.fields.type;
      const fromField =
        field && !Array.isArray(field) && field.type === 'field' ? MediaType.safeParse(field.value) : null;
      if (fromField && !fromField.success) {
        for await (const chunk of part.file) void chunk;
        return unwrap(
          fail('invalid_input', 'Unknown media type', {
            fields: [{ path: 'body.type', message: 'Use image, video, audio, document or sticker' }],
          }),
        );
      }
      const media = unwrap(
        await uploads.upload(
          p.organizationId,
          p,
          {
            mimeType: part.mimetype,
            fileName: part.filename || null,
            stream: part.file,
            truncated: () => part.file.truncated,
          },
          req.query.type ?? fromField?.data,
        ),
      );
      return reply.code(201).send(media);
    },
  );
};
