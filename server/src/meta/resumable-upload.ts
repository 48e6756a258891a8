import { z } from 'zod';
import { err, ok } from '#contract/result';
import { classifyFetchError, graphAnswer, parseJson, type GraphResult } from './graph-errors';

// Graph's Resumable Upload API (developers.facebook.com/docs/graph-api/resumable-upload-api):
// what a template's media header example must be uploaded with; its answer `h` is the handle
// `components[HEADER].example.header_handle` names. Two steps: open a session on the app
// (`POST /{app-id}/uploads?file_name&file_length&file_type`, bearer token) → `upload:{id}`;
// send the bytes (`POST /upload:{id}`, `Authorization: OAuth <token>`, `file_offset`) → `{h}`.
// A session interrupted midway resumes from `GET /upload:{id}`'s `file_offset`.

/** What {@link createResumableUploader} needs. */
export type ResumableUploaderOptions = {
  /** `https://graph.facebook.com` (or the emulator). */
  baseUrl: string;
  /** `v25.0`. */
  version: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
};

/** A file to upload: the types Meta accepts here are PDF, JPEG, PNG and MP4. */
export type UploadFile = { bytes: Uint8Array; mimeType: string; fileName: string };

/** What opening a session needs to know of the file: its name, type and length up front. */
export type UploadFileInfo = { mimeType: string; fileName: string; length: number };

/** A file that arrives as a stream (a request body) of a declared length. */
export type UploadStream = UploadFileInfo & { chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> };

/** Bytes sent to Meta per request of a streamed upload: held in memory, one at a time. */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

/** Regroups a stream's pieces into chunks of `size` bytes (the last one shorter). */
async function* rechunk(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of source) {
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (rest.length > 0) {
      const take = Math.min(size - held, rest.length);
      parts.push(rest.subarray(0, take));
      held += take;
      rest = rest.subarray(take);
      if (held === size) {
        yield Buffer.concat(parts, held);
        parts = [];
        held = 0;
      }
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}

const SessionResponse = z.object({ id: z.string().startsWith('upload:') });
const HandleResponse = z.object({ h: z.string().min(1) });
/** A send answers the handle once the file is whole, else how far Meta has it. */
const SendResponse = z.union([
  HandleResponse,
  z.object({ id: z.string(), file_offset: z.coerce.number().int().nonnegative() }),
]);
const OffsetResponse = z.object({ id: z.string(), file_offset: z.coerce.number().int().nonnegative() });

/** An iterable of pieces as an async one (an array of one buffer, or a request stream). */
async function* toAsync(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for await (const piece of source) yield piece;
}

/** Builds the uploader. Nothing here retries; each chunk's send resumes once. */
export function createResumableUploader(options: ResumableUploaderOptions) {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const base = new URL(options.baseUrl);
  const root = `${base.origin}${base.pathname.replace(/\/$/, '')}/${options.version}`;

  async function request<S extends z.ZodType>(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: Uint8Array },
    schema: S,
  ): Promise<GraphResult<z.output<S>>> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const res = await doFetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body as Uint8Array<ArrayBuffer> | undefined,
        signal: controller.signal,
      });
      return graphAnswer(res.status, parseJson(await res.text()), schema);
    } catch (e) {
      return err(classifyFetchError(e, timedOut));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `bytes` (the file from `offset` on, or a part of it) to the session. */
  const send = (sessionId: string, token: string, bytes: Uint8Array, offset: number) =>
    request(
      `${root}/${sessionId}`,
      {
        method: 'POST',
        headers: {
          authorization: `OAuth ${token}`,
          file_offset: String(offset),
          'content-type': 'application/octet-stream',
        },
        body: bytes,
      },
      SendResponse,
    );

  /** The handle of a send's answer, or null while the file is not whole yet. */
  const handleOf = (v: z.output<typeof SendResponse>): string | null => ('h' in v ? v.h : null);

  return {
    /** Opens an upload session on the app: `upload:{id}`. */
    async openSession(appId: string, token: string, file: UploadFileInfo): Promise<GraphResult<string>> {
      const url = new URL(`${root}/${encodeURIComponent(appId)}/uploads`);
      url.searchParams.set('file_name', file.fileName);
      url.searchParams.set('file_length', String(file.length));
      url.searchParams.set('file_type', file.mimeType);
      const r = await request(
        url.toString(),
        { method: 'POST', headers: { authorization: `Bearer ${token}` } },
        SessionResponse,
      );
      return r.ok ? ok(r.value.id) : r;
    },

    /** Where an interrupted session stands: the bytes Meta already has. */
    async offsetOf(sessionId: string, token: string): Promise<GraphResult<number>> {
      const r = await request(
        `${root}/${sessionId}`,
        { method: 'GET', headers: { authorization: `OAuth ${token}` } },
        OffsetResponse,
      );
      return r.ok ? ok(r.value.file_offset) : r;
    },

    /** Uploads a whole file held in memory and answers its handle `h` (see {@link uploadStream}). */
    async upload(appId: string, token: string, file: UploadFile): Promise<GraphResult<string>> {
      return this.uploadStream(appId, token, {
        mimeType: file.mimeType,
        fileName: file.fileName,
        length: file.bytes.length,
        chunks: [file.bytes],
      });
    },

    /**
     * Uploads a file as it arrives, {@link UPLOAD_CHUNK_BYTES} per request (so a 100 MB PDF is
     * never held whole), and answers its handle `h`. A chunk whose send failed on the network is
     * resumed once from the offset Meta reports, so bytes Meta already has are not sent again.
     * A stream that ends before `length` bytes answers `bad_response` (nothing Meta can finish);
     * one that throws lets the error through to the caller, who knows why its source failed.
     */
    async uploadStream(
      appId: string,
      token: string,
      file: UploadStream,
      chunkBytes = UPLOAD_CHUNK_BYTES,
    ): Promise<GraphResult<string>> {
      const session = await this.openSession(appId, token, file);
      if (!session.ok) return session;
      let offset = 0;
      for await (const chunk of rechunk(toAsync(file.chunks), chunkBytes)) {
        let sent = await send(session.value, token, chunk, offset);
        if (!sent.ok && sent.error.kind !== 'meta') {
          const at = await this.offsetOf(session.value, token);
          if (!at.ok) return at;
          if (at.value < offset || at.value > offset + chunk.length)
            return err({
              code: 'bad_response',
              kind: 'bad_response',
              message: `Meta reports ${at.value} bytes received, outside the part being sent.`,
              httpStatus: null,
            });
          sent = await send(session.value, token, chunk.subarray(at.value - offset), at.value);
        }
        if (!sent.ok) return sent;
        offset += chunk.length;
        const h = handleOf(sent.value);
        if (h) return ok(h);
      }
      return err({
        code: 'bad_response',
        kind: 'bad_response',
        message: `The file ended after ${offset} of ${file.length} bytes; Meta gave no handle.`,
        httpStatus: null,
      });
    },
  };
}

/** The uploader's type. */
export type ResumableUploader = ReturnType<typeof createResumableUploader>;
