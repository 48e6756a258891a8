import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CoreApi } from '#contract/ipc/contract';

/** Where the harness serves media files: `/media/<id>` (the app's `parley://media/<id>`). */
export const MEDIA_PATH = '/media/';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INLINE = /^(image\/(jpeg|png|webp)|video\/(mp4|3gpp)|audio\/(aac|amr|mpeg|mp4|ogg))$/;

/**
 * Serves files the core keeps on this device by media id, as the Electron main process does on
 * `parley://media/`: the core's `media:get` says where the file is (downloading it if needed);
 * the id must be a UUID. `?download` serves it as an attachment (the page's Save fallback).
 */
export function createMediaHandler(core: CoreApi) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://harness');
    const id = u.pathname.slice(MEDIA_PATH.length);
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !UUID.test(id)) {
      res.writeHead(404).end();
      return;
    }
    const r = await core.handlers['media:get']({ mediaId: id });
    const size = r.ok
      ? await stat(r.value.path).then(
          (s) => s.size,
          () => null,
        )
      : null;
    if (!r.ok || size === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(r.ok ? 'Not found' : r.error.message);
      return;
    }
    const name = encodeURIComponent(r.value.fileName ?? id);
    res.writeHead(200, {
      'Content-Type': INLINE.test(r.value.mimeType) ? r.value.mimeType : 'application/octet-stream',
      'Content-Length': String(size),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'no-store',
      ...(u.searchParams.has('download')
        ? { 'Content-Disposition': `attachment; filename*=UTF-8''${name}` }
        : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(r.value.path).pipe(res);
  };
}
