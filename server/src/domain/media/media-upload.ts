import { createHash, randomUUID } from 'node:crypto';
import type { Media } from '#contract/api/media';
import type { MediaType } from '#contract/domain/messaging';
import { WHATSAPP_LIMITS } from '#contract/domain/messaging';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { fail, ok, type Result } from '#contract/result';
import { baseMime, mediaProblem, mediaTypeOfMime } from './media-limits';
import { mediaKey, type MediaStore } from './media-store';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { media } from '../../storage/schema/index';

// Agent uploads (`POST /api/v1/media`): the file is checked against WhatsApp's limits for the
// type it will be sent as while it streams in — hashed as it arrives, refused as soon as it
// passes the type's limit — then stored and described by a media row of the organization.

/** The largest upload accepted at all (WhatsApp's document limit). */
export const UPLOAD_MAX_BYTES = WHATSAPP_LIMITS.media.document.maxBytes;

/** Leading bytes that identify a format, for the types where they are reliable. */
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'audio/ogg': (b) => b.subarray(0, 4).toString('latin1') === 'OggS',
  'video/mp4': (b) => b.subarray(4, 8).toString('latin1') === 'ftyp',
};

/** One uploaded file as it arrives. */
export type IncomingFile = {
  /** The type the client declared for the file part. */
  mimeType: string;
  fileName: string | null;
  stream: AsyncIterable<Buffer>;
  /** True when the transport cut the file at {@link UPLOAD_MAX_BYTES}. */
  truncated: () => boolean;
};

/** Dependencies of {@link createMediaUploads}. */
export type MediaUploadDeps = { db: Db; clock: Clock; store: MediaStore };

/** Stores agent uploads. */
export type MediaUploads = ReturnType<typeof createMediaUploads>;

/** Creates the upload service. */
export function createMediaUploads(deps: MediaUploadDeps) {
  const { db, clock, store } = deps;
  return {
    /**
     * Stores `file` for `organizationId` as media to be sent as `intended` (or the type its MIME
     * type implies). Refuses, with WhatsApp's own limits in the sentence: a type WhatsApp does not
     * take (415), more bytes than the type allows (413), an empty file or content that is not
     * what it claims to be (422). The whole stream is always consumed.
     */
    upload: async (
      organizationId: string,
      _actor: Principal,
      file: IncomingFile,
      intended: MediaType | undefined,
    ): Promise<Result<Media>> => {
      const drain = async () => {
        for await (const chunk of file.stream) void chunk;
      };
      const mime = baseMime(file.mimeType);
      const type = intended ?? mediaTypeOfMime(mime);
      if (!type) {
        await drain();
        return fail('unsupported_media_type', `WhatsApp does not accept files of type ${mime || 'unknown'}.`);
      }
      const kind = mediaProblem(type, { mimeType: mime, size: null });
      if (kind) {
        await drain();
        return fail(kind.code, kind.message);
      }
      const limit = WHATSAPP_LIMITS.media[type].maxBytes;
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of file.stream) {
        size += chunk.length;
        if (size > limit) continue; // keep reading (the client is still sending) but keep nothing
        hash.update(chunk);
        chunks.push(chunk);
      }
      if (size > limit || file.truncated()) {
        const tooBig = mediaProblem(type, { mimeType: mime, size: Math.max(size, limit + 1) })!;
        return fail('payload_too_large', tooBig.message);
      }
      if (size === 0) return fail('unprocessable', 'The file is empty.');
      const bytes = Buffer.concat(chunks, size);
      const magic = MAGIC[mime];
      if (magic && !magic(bytes)) return fail('unprocessable', `The file’s content is not ${mime}.`);

      const id = randomUUID();
      const sha256 = hash.digest('hex');
      const key = mediaKey(organizationId, sha256, id);
      await store.put(key, bytes);
      const now = clock.now();
      try {
        const row = await db.transaction(async (tx) => {
          const [r] = await tx
            .insert(media)
            .values({
              id,
              organizationId,
              sha256,
              mimeType: file.mimeType.trim() || mime,
              size,
              fileName: file.fileName,
              storageKey: key,
              source: 'upload',
              state: 'ready',
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          await recordChanges(tx, organizationId, [{ entity: 'media', entityId: id }]);
          return r!;
        });
        return ok({
          id: row.id,
          mimeType: row.mimeType,
          size,
          sha256,
          fileName: row.fileName,
          createdAt: row.createdAt.toISOString(),
        });
      } catch (e) {
        await store.remove(key).catch(() => undefined);
        throw e;
      }
    },
  };
}
