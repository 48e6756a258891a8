import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';

/** The built renderer is served from `parley://app/`, a standard secure origin of its own. */
export const APP_SCHEME = 'parley';
/** The app's origin in production. */
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** The URL the main window loads in production. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before `ready`. `standard` gives the scheme real origins (so CSP `'self'`, storage
 * and relative URLs behave as on https); `secure` makes it a secure context. No CORS, no
 * service workers: the app never needs them.
 */
export const appSchemePrivileges: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
};

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps an app URL to a file inside `rendererDir`, or null. Rejects other hosts, malformed
 * escapes, NUL bytes and anything that resolves outside the folder (`..`, `%2e%2e`, encoded
 * slashes, absolute paths). Paths without an extension fall back to index.html (client routes).
 */
export function resolveAppFile(rendererDir: string, requestUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== 'app') return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const root = resolve(rendererDir);
  if (path === '/' || path === '' || extname(path) === '') path = '/index.html';
  const file = resolve(root, `.${path}`);
  return file.startsWith(root + sep) ? file : null;
}

/** The response headers of every app file: the CSP travels with the document itself. */
export function appResponseHeaders(file: string, csp: string): Record<string, string> {
  return {
    'content-type': mimeTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** Serves `rendererDir` on the app scheme, and this device's media files on `parley://media/`. */
export function registerAppProtocol(
  protocol: Pick<Protocol, 'handle'>,
  rendererDir: string,
  csp: string,
  /** Answers `parley://media/...` (media-protocol.ts `serveMedia`); 404 without it. */
  media?: (request: Request) => Promise<Response>,
): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (new URL(request.url).host === 'media')
      return media ? media(request) : new Response('Not found', { status: 404 });
    const file = resolveAppFile(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), { status: 200, headers: appResponseHeaders(file, csp) });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
