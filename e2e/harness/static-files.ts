import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { BRIDGE_SCRIPT_PATH, bridgeScript, injectBridge } from './bridge-script';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Serves the built renderer from `root`, with the bridge script tag added to index.html and
 * the bridge script itself at /parley-bridge.js. GET/HEAD only; paths stay inside `root`.
 */
export function createStaticHandler(root: string) {
  const bridge = bridgeScript();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://harness').pathname);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (pathname === BRIDGE_SCRIPT_PATH) {
      send(200, CONTENT_TYPES['.js']!, bridge);
      return;
    }
    // `/invite` is the app too: an invite link's path and fragment opened here show the accept screen.
    const relative =
      pathname === '/' || pathname === '/invite' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '');
    const file = join(root, relative);
    if (!file.startsWith(root + sep)) {
      send(403, 'text/plain', 'Forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      if (relative === 'index.html') {
        send(200, CONTENT_TYPES['.html']!, injectBridge(body.toString('utf8')));
      } else {
        send(200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body);
      }
    } catch {
      send(404, 'text/plain', 'Not found');
    }
  };
}
