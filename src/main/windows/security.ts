import type { WebPreferences } from 'electron';
import { MEDIA_ORIGIN } from './media-protocol';

/**
 * Security policy of the Electron shell as plain functions, so every rule is unit-tested
 * without Electron: web preferences, the CSP, which URLs are the app, which may open in the
 * browser, and which permissions a page may get. Electron wiring lives in harden.ts.
 */

/** The web preferences of every Parley window; `preload` is added per window. */
export const secureWebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  enableBlinkFeatures: '',
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: true,
} as const satisfies WebPreferences;

/** True when a web contents runs with the preferences above (the runtime audit). */
export function hasSecurePreferences(prefs: WebPreferences | null | undefined): boolean {
  if (!prefs) return false;
  return (
    prefs.contextIsolation !== false &&
    prefs.sandbox === true &&
    prefs.nodeIntegration !== true &&
    prefs.nodeIntegrationInWorker !== true &&
    prefs.nodeIntegrationInSubFrames !== true &&
    prefs.webSecurity !== false &&
    prefs.allowRunningInsecureContent !== true &&
    prefs.experimentalFeatures !== true &&
    !prefs.enableBlinkFeatures &&
    prefs.webviewTag !== true
  );
}

/** `scheme://host[:port]` of a URL; Node gives custom schemes the opaque origin "null". */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol === 'file:' || !u.host) return null;
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** True when `url` belongs to the app itself (its origin is one of `appOrigins`). */
export function isAppUrl(url: string, appOrigins: readonly string[]): boolean {
  const o = originOf(url);
  return o !== null && appOrigins.includes(o);
}

/** Hosts whose https pages may open in the user's browser (the domain and its subdomains). */
export const externalHostAllowList = [
  'facebook.com',
  'whatsapp.com',
  'whatsapp.net',
  'wa.me',
  'meta.com',
  'fb.me',
] as const;

/**
 * Whether a link may be handed to the OS browser: https only, no credentials, no explicit
 * port, an ASCII host equal to an allow-listed domain or a subdomain of one. `facebook.com.evil`,
 * `evilfacebook.com`, `faceb00k.com` and punycode look-alikes all fail the suffix test.
 */
export function isAllowedExternalUrl(raw: string): boolean {
  if (typeof raw !== 'string' || raw.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  const host = u.hostname;
  if (!/^[a-z0-9.-]+$/.test(host) || host.endsWith('.')) return false;
  return externalHostAllowList.some((d) => host === d || host.endsWith(`.${d}`));
}

/** Where the renderer is served from and which servers it may talk to. */
export interface CspOptions {
  /** Server base URLs the app is configured for (connect-src, http and ws). */
  serverUrls: readonly string[];
  /** The electron-vite dev server origin, in development only. */
  devServerOrigin?: string | null;
}

/**
 * The Content-Security-Policy of every app page.
 * - `style-src 'unsafe-inline'`: Mantine injects a `<style>` element with its CSS variables
 *   and sets `style` attributes for style props at run time; without it the UI renders
 *   unstyled. Scripts stay strict: no inline script, no eval.
 * - `connect-src`: the renderer itself talks only to the preload today (the core does HTTP in
 *   its own process), but the configured server origins are allowed for media and later use.
 * - `img-src` and `media-src` allow `parley://media`: files kept on this device (media-protocol.ts).
 * - In development only, the Vite dev server's origin and its HMR websocket are allowed and
 *   `script-src` gains `'unsafe-inline'` for the React Refresh preamble Vite injects inline.
 */
export function buildCsp(opts: CspOptions): string {
  const connect = new Set<string>(["'self'"]);
  for (const raw of opts.serverUrls) {
    const o = originOf(raw);
    if (!o) continue;
    connect.add(o);
    connect.add(o.replace(/^http/, 'ws'));
  }
  const script = ["'self'"];
  if (opts.devServerOrigin) {
    connect.add(opts.devServerOrigin);
    connect.add(opts.devServerOrigin.replace(/^http/, 'ws'));
    script.push("'unsafe-inline'");
  }
  return [
    "default-src 'self'",
    `script-src ${script.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${MEDIA_ORIGIN}`,
    "font-src 'self' data:",
    `media-src 'self' blob: ${MEDIA_ORIGIN}`,
    `connect-src ${[...connect].join(' ')}`,
    "worker-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The permission requests a page may be granted; everything else is denied. */
export interface PermissionPolicy {
  /** The user opted in to desktop notifications (a setting, off until then). */
  notificationsOptIn(): boolean;
}

/** Decides a permission request or check: deny by default. */
export function isPermissionAllowed(permission: string, policy: PermissionPolicy): boolean {
  switch (permission) {
    case 'notifications':
      return policy.notificationsOptIn();
    // Copying a message to the clipboard from a click; sanitized writes cannot inject HTML.
    case 'clipboard-sanitized-write':
      return true;
    default:
      return false;
  }
}
