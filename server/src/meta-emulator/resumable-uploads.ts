// Graph's Resumable Upload API (developers.facebook.com/docs/graph-api/resumable-upload-api),
// how a template's media header example is uploaded: `POST /{app-id}/uploads` with the file's
// name, length and type opens a session (`{id: "upload:…"}`); `POST /upload:{id}` with
// `Authorization: OAuth <token>` and a `file_offset` header sends bytes from that offset and,
// once the whole file is there, answers the file handle `{h}`; `GET /upload:{id}` tells where an
// interrupted upload stands (`{id, file_offset}`) so it can resume.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context';
import type { GraphHttp } from './graph-http';

/** The file types Meta accepts here. */
const UPLOAD_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'];

/** An upload session. */
interface UploadSession {
  id: string;
  appId: string;
  token: string;
  fileName: string | null;
  fileLength: number;
  fileType: string;
  chunks: Buffer[];
  offset: number;
  /** The handle, once the whole file arrived. */
  handle: string | null;
}

/** A finished upload, by handle (what a template's `header_handle` example names). */
export interface UploadedFile {
  handle: string;
  fileType: string;
  bytes: Buffer;
}

/** `POST /{version}/{app-id}/uploads`. */
export interface OpenSessionRoute {
  Params: { version: string; id: string };
  Querystring: Record<string, string | undefined>;
}

/** The resumable uploads and their handlers (routed by the composition: `upload:` ids). */
export interface ResumableUploads {
  open(req: FastifyRequest<OpenSessionRoute>, reply: FastifyReply): Promise<FastifyReply>;
  /** `POST /{version}/upload:{id}`. */
  send(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<FastifyReply>;
  /** `GET /{version}/upload:{id}`. */
  status(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<FastifyReply>;
  /** The finished upload a handle names, or null. */
  byHandle(handle: string): UploadedFile | null;
}

/** Whether a Graph node id is an upload session's. */
export const isUploadId = (id: string): boolean => id.startsWith('upload:');

/** Creates the resumable-upload area. */
export function createResumableUploads(ctx: EmulatorContext, graph: GraphHttp): ResumableUploads {
  const { fail } = graph;
  const sessions = new Map<string, UploadSession>();
  const finished = new Map<string, UploadedFile>();
  let counter = 0;

  /** `Authorization: OAuth <token>`, as Meta wants on the upload node (not `Bearer`). */
  const oauthToken = (req: FastifyRequest): string | null => {
    const h = req.headers.authorization;
    return typeof h === 'string' && /^OAuth\s+\S+$/.test(h) ? h.replace(/^OAuth\s+/, '') : null;
  };

  /** The session an `upload:` id names, checked against the token that opened it. */
  const sessionFor = (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const token = oauthToken(req);
    if (!token || !ctx.state.tokens.has(token)) {
      fail(reply, 190, {
        title: 'Invalid OAuth access token - Cannot parse access token',
        details: 'Send the token as "Authorization: OAuth <token>".',
        status: 401,
      });
      return null;
    }
    const s = sessions.get(req.params.id);
    if (!s || s.token !== token) {
      graph.objectMissing(reply, req.params.id);
      return null;
    }
    return s;
  };

  return {
    async open(req, reply) {
      if (!graph.authorize(req, reply, null)) return reply;
      const q = req.query;
      const fileLength = Number(q.file_length);
      if (!q.file_length || !Number.isInteger(fileLength) || fileLength <= 0)
        return fail(reply, 100, {
          details: 'The parameter file_length is required and must be a positive integer.',
        });
      const fileType = (q.file_type ?? '').toLowerCase();
      if (!UPLOAD_TYPES.includes(fileType))
        return fail(reply, 100, {
          details: `The parameter file_type must be one of ${UPLOAD_TYPES.join(', ')}.`,
        });
      counter += 1;
      const id = `upload:${Buffer.from(`${req.params.id}:${counter}:${ctx.digits(8)}`).toString('base64url')}`;
      sessions.set(id, {
        id,
        appId: req.params.id,
        token: graph.bearer(req)!,
        fileName: q.file_name ?? null,
        fileLength,
        fileType,
        chunks: [],
        offset: 0,
        handle: null,
      });
      return reply.send({ id });
    },

    async send(req, reply) {
      const s = sessionFor(req, reply);
      if (!s) return reply;
      const header = req.headers.file_offset;
      const offset = Number(header);
      if (typeof header !== 'string' || !Number.isInteger(offset) || offset < 0)
        return fail(reply, 100, { details: 'The file_offset header is required.' });
      if (offset !== s.offset)
        return fail(reply, 100, {
          details: `file_offset ${offset} does not match the ${s.offset} bytes received so far; resume from ${s.offset}.`,
        });
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (s.offset + body.length > s.fileLength)
        return fail(reply, 100, {
          details: `The upload is longer than file_length (${s.fileLength} bytes).`,
        });
      s.chunks.push(body);
      s.offset += body.length;
      if (s.offset < s.fileLength) return reply.send({ id: s.id, file_offset: s.offset });
      if (!s.handle) {
        s.handle = `4::${Buffer.from(`${s.id}:${s.fileType}`).toString('base64')}`;
        finished.set(s.handle, { handle: s.handle, fileType: s.fileType, bytes: Buffer.concat(s.chunks) });
      }
      return reply.send({ h: s.handle });
    },

    async status(req, reply) {
      const s = sessionFor(req, reply);
      if (!s) return reply;
      return reply.send({ id: s.id, file_offset: s.offset });
    },

    byHandle: (handle) => finished.get(handle) ?? null,
  };
}
