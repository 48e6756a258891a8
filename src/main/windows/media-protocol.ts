import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { APP_SCHEME } from './app-protocol';

/**
 * `parley://media/<id>`: the page's `<img>`, `<video>` and `<audio>` load files kept on this
 * device (staged by the composer, or in the media cache) from here. The core says where a media
 * id's file is (`media:get`); this module only checks the URL, checks that the path it was given
 * lies inside the media folder, and serves the bytes (with Range, so video and audio can seek).
 */

/** The media origin, allowed in the CSP's `img-src` and `media-src`. */
export const MEDIA_ORIGIN = `${APP_SCHEME}://media`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Types served with their own content type; anything else is served as opaque bytes. */
const INLINE = /^(image\/(jpeg|png|webp)|video\/(mp4|3gpp)|audio\/(aac|amr|mpeg|mp4|ogg))$/;

/** The media id of a `parley://media/<id>` URL, or null for anything else. */
export function mediaIdOf(requestUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== 'media') return null;
  const id = u.pathname.replace(/^\//, '');
  return UUID.test(id) ? id.toLowerCase() : null;
}

/** True when `file` resolves to a path inside `root` (no `..`, no other folder). */
export function isInside(root: string, file: string): boolean {
  const r = resolve(root);
  return resolve(file).startsWith(r + sep);
}

/** Where a media id's file is, by asking the core; null when it is not on this device. */
export type MediaLookup = (mediaId: string) => Promise<{ path: string; mimeType: string } | null>;

/** A `bytes=a-b` range within `size`, or null (whole file) / 'invalid'. */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

/** Answers one `parley://media/...` request. */
export async function serveMedia(
  request: Request,
  lookup: MediaLookup,
  mediaRoot: string,
): Promise<Response> {
  const notFound = () => new Response('Not found', { status: 404 });
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
  const id = mediaIdOf(request.url);
  if (!id) return notFound();
  const found = await lookup(id).catch(() => null);
  if (!found || !isInside(mediaRoot, found.path)) return notFound();
  let size: number;
  try {
    const st = await stat(found.path);
    if (!st.isFile()) return notFound();
    size = st.size;
  } catch {
    return notFound();
  }
  const headers: Record<string, string> = {
    'content-type': INLINE.test(found.mimeType) ? found.mimeType : 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'",
    'cache-control': 'private, max-age=31536000, immutable',
    'accept-ranges': 'bytes',
  };
  const range = parseRange(request.headers.get('range'), size);
  if (range === 'invalid')
    return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  headers['content-length'] = String(length);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  const body =
    request.method === 'HEAD' || length === 0
      ? null
      : (Readable.toWeb(createReadStream(found.path, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, { status: range ? 206 : 200, headers });
}
