// Graph media (digest §6): multipart upload with Meta's type and size limits, retrieve and
// delete by id, and lookaside-like downloads that need the bearer token and whose URLs expire.
// The store is shared: sends check media ids against it, customers' media are put in it.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DAY, type EmulatorContext } from './context';
import type { GraphHttp } from './graph-http';
import type { EmulatorMedia } from './state';

/** Uploaded media live 30 days (digest §6). */
const UPLOADED_MEDIA_TTL_MS = 30 * DAY;
/** Media received from users live 7 days (digest §6). */
export const RECEIVED_MEDIA_TTL_MS = 7 * DAY;

const MEDIA_LIMITS: { types: string[]; max: number }[] = [
  { types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], max: 16 * 1024 * 1024 },
  {
    types: [
      'text/plain',
      'application/pdf',
      'application/vnd.ms-powerpoint',
      'application/msword',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    max: 100 * 1024 * 1024,
  },
  { types: ['image/jpeg', 'image/png'], max: 5 * 1024 * 1024 },
  { types: ['image/webp'], max: 500 * 1024 },
  { types: ['video/mp4', 'video/3gpp'], max: 16 * 1024 * 1024 },
];

/** Meta's size limit for a MIME type, or null when the type is not accepted (digest §6). */
function mediaLimitFor(mimeType: string): number | null {
  const base = mimeType.split(';')[0]!.trim().toLowerCase();
  return MEDIA_LIMITS.find((l) => l.types.includes(base))?.max ?? null;
}

/** `GET|DELETE /{version}/{media-id}`. */
export interface MediaNodeRoute {
  Params: { version: string; id: string };
  Querystring: { phone_number_id?: string };
}

/**
 * A fault of the next lookaside download (media fetch resilience tests): `timeout` holds the
 * request without answering (until the caller gives up, or 60 s), `404` answers as an expired
 * URL does, `truncated` sends half of the bytes with chunked encoding and ends cleanly — a short
 * body no transport error reveals, only the sha256 and size from `GET /{media-id}` do.
 */
export type DownloadFault = 'timeout' | '404' | 'truncated';

/** The media store and its Graph routes. */
export interface MediaArea {
  /** Queues faults for the next lookaside downloads, one per download, in order. */
  injectDownloadFaults(faults: DownloadFault[]): void;
  /** How many lookaside downloads were answered (faulty ones included). */
  downloadCount(): number;
  /** Drops the downloads a `timeout` fault holds (on close). */
  releaseHeld(): void;
  /** Stores bytes owned by a business number; they live `ttlMs`. */
  store(
    owner: string,
    bytes: Buffer,
    mimeType: string,
    fileName: string | null,
    ttlMs: number,
  ): EmulatorMedia;
  /** The media object, unless it is unknown, deleted or expired. */
  live(id: string): EmulatorMedia | null;
  /** A fresh lookaside download URL under `base`, valid for the URL lifetime. */
  downloadUrl(m: EmulatorMedia, base: string): string;
  /** Registers upload, delete and the lookaside download. */
  register(app: FastifyInstance): void;
  /**
   * `GET /{media-id}`: url, type, hex sha256 and size. The composition routes it, because a
   * phone number is read at the same path.
   */
  retrieve(req: FastifyRequest<MediaNodeRoute>, reply: FastifyReply): Promise<unknown>;
}

/** Creates the media store; lookaside URLs expire after `urlTtlMs` (default 5 min, digest §6). */
export function createMedia(ctx: EmulatorContext, graph: GraphHttp, opts: { urlTtlMs?: number }): MediaArea {
  const { state, now } = ctx;
  const { fail, bearer, authorize, objectMissing, baseUrlOf } = graph;
  const urlTtl = opts.urlTtlMs ?? 5 * 60_000;
  const downloadFaults: DownloadFault[] = [];
  let downloads = 0;
  const held = new Set<{ destroy(): void }>();

  function store(
    owner: string,
    bytes: Buffer,
    mimeType: string,
    fileName: string | null,
    ttlMs: number,
  ): EmulatorMedia {
    const sha = createHash('sha256').update(bytes).digest();
    const m: EmulatorMedia = {
      id: ctx.digits(16),
      bytes,
      mimeType,
      sha256Hex: sha.toString('hex'),
      sha256Base64: sha.toString('base64'),
      fileName,
      ownerPhoneNumberId: owner,
      createdAt: now(),
      ttlMs,
      deleted: false,
    };
    state.media.set(m.id, m);
    return m;
  }

  function live(id: string): EmulatorMedia | null {
    const m = state.media.get(id);
    return m && !m.deleted && now() - m.createdAt <= m.ttlMs ? m : null;
  }

  function downloadUrl(m: EmulatorMedia, base: string): string {
    const token = ctx.randomHex(16);
    state.downloadTokens.set(token, { mediaId: m.id, issuedAt: now() });
    return `${base}/lookaside/media/${token}?mid=${m.id}&ext=${ctx.nowSeconds()}`;
  }

  function register(app: FastifyInstance): void {
    app.post<{ Params: { version: string; id: string } }>('/:version/:id/media', async (req, reply) => {
      const phone = state.phoneNumbers.get(req.params.id);
      if (!authorize(req, reply, phone ? phone.wabaId : null)) return reply;
      if (!phone) return objectMissing(reply, req.params.id);
      if (!req.isMultipart())
        return fail(reply, 100, {
          title: 'Invalid parameter',
          details: 'Upload must be multipart/form-data',
        });
      const fields: Record<string, string> = {};
      let file: { bytes: Buffer; mimeType: string; fileName: string; truncated: boolean } | null = null;
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          const bytes = await part.toBuffer().catch(() => null);
          file = {
            bytes: bytes ?? Buffer.alloc(0),
            mimeType: part.mimetype,
            fileName: part.filename,
            truncated: bytes === null || part.file.truncated,
          };
        } else fields[part.fieldname] = String(part.value);
      }
      if (fields.messaging_product !== 'whatsapp')
        return fail(reply, 100, { title: 'The parameter messaging_product is required.' });
      if (!file)
        return fail(reply, 100, { title: 'Invalid parameter', details: 'The parameter file is required.' });
      const type = fields.type ?? file.mimeType;
      const limit = mediaLimitFor(type);
      if (limit === null)
        return fail(reply, 131053, {
          details: `Param file must be a file with one of the supported types; got ${type}`,
        });
      const baseOf = (m: string) => m.split(';')[0]!.trim().toLowerCase();
      if (
        file.mimeType &&
        file.mimeType !== 'application/octet-stream' &&
        baseOf(file.mimeType) !== baseOf(type)
      ) {
        return fail(reply, 131053, { details: `File type ${file.mimeType} does not match type ${type}` });
      }
      if (file.truncated || file.bytes.length > limit) {
        return fail(reply, 131053, { details: `File is too large for ${type}: the limit is ${limit} bytes` });
      }
      if (file.bytes.length === 0) return fail(reply, 131053, { details: 'File is empty' });
      const m = store(phone.id, file.bytes, type, file.fileName, UPLOADED_MEDIA_TTL_MS);
      return reply.send({ id: m.id });
    });

    app.delete<MediaNodeRoute>('/:version/:id', async (req, reply) => {
      const m = live(req.params.id);
      const owner = m ? state.phoneNumbers.get(m.ownerPhoneNumberId) : undefined;
      if (!authorize(req, reply, owner ? owner.wabaId : null)) return reply;
      if (
        !m ||
        (req.query.phone_number_id !== undefined && req.query.phone_number_id !== m.ownerPhoneNumberId)
      ) {
        return objectMissing(reply, req.params.id);
      }
      m.deleted = true;
      return reply.send({ success: true });
    });

    app.get<{ Params: { token: string } }>('/lookaside/media/:token', async (req, reply) => {
      const token = bearer(req);
      const t = token ? state.tokens.get(token) : undefined;
      if (!t || t.expired)
        return reply
          .code(401)
          .send({ error: { message: 'Unauthorized', code: 190, type: 'OAuthException' } });
      const d = state.downloadTokens.get(req.params.token);
      if (!d || now() - d.issuedAt > urlTtl) {
        state.downloadTokens.delete(req.params.token);
        return reply.code(404).type('text/plain').send('URL signature expired');
      }
      const m = live(d.mediaId);
      const owner = m ? state.phoneNumbers.get(m.ownerPhoneNumberId) : undefined;
      if (!m || !owner) return reply.code(404).type('text/plain').send('Not found');
      if (!t.wabaIds.has(owner.wabaId)) return reply.code(403).type('text/plain').send('Forbidden');
      downloads += 1;
      const fault = downloadFaults.shift();
      if (fault === '404') return reply.code(404).type('text/plain').send('Not found');
      if (fault === 'timeout') {
        reply.hijack();
        // Never answered; the socket is dropped after 60 s (or on close) if the caller has not
        // given up.
        const raw = reply.raw;
        held.add(raw);
        raw.once('close', () => held.delete(raw));
        ctx.later(60_000, () => raw.destroy());
        return reply;
      }
      if (fault === 'truncated') {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': m.mimeType });
        reply.raw.write(m.bytes.subarray(0, Math.floor(m.bytes.length / 2)));
        reply.raw.end();
        return reply;
      }
      return reply.type(m.mimeType).header('content-length', m.bytes.length).send(m.bytes);
    });
  }

  async function retrieve(req: FastifyRequest<MediaNodeRoute>, reply: FastifyReply) {
    const m = live(req.params.id);
    const owner = m ? state.phoneNumbers.get(m.ownerPhoneNumberId) : undefined;
    if (!authorize(req, reply, owner ? owner.wabaId : null)) return reply;
    if (
      !m ||
      (req.query.phone_number_id !== undefined && req.query.phone_number_id !== m.ownerPhoneNumberId)
    ) {
      return objectMissing(reply, req.params.id);
    }
    return reply.send({
      messaging_product: 'whatsapp',
      url: downloadUrl(m, baseUrlOf(req)),
      mime_type: m.mimeType,
      sha256: m.sha256Hex,
      file_size: m.bytes.length,
      id: m.id,
    });
  }

  return {
    store,
    live,
    downloadUrl,
    register,
    retrieve,
    injectDownloadFaults: (faults) => downloadFaults.push(...faults),
    downloadCount: () => downloads,
    releaseHeld: () => {
      for (const raw of held) raw.destroy();
      held.clear();
    },
  };
}
