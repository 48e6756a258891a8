import type {
  App,
  Event,
  HandlerDetails,
  Session,
  WebContents,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';
import {
  hasSecurePreferences,
  isAllowedExternalUrl,
  isAppUrl,
  isPermissionAllowed,
  type PermissionPolicy,
} from './security';

/** Opens a URL in the OS browser (Electron's `shell.openExternal`). */
export type OpenExternal = (url: string) => Promise<void>;

/**
 * Navigation lock for one web contents: only the app's own URLs load in it. An allow-listed
 * https link opens in the browser instead; everything else (`javascript:`, `file:`, `smb:`,
 * `ms-settings:`, custom schemes, look-alike hosts) is simply blocked.
 */
export function guardNavigation(
  contents: WebContents,
  appOrigins: readonly string[],
  openExternal: OpenExternal,
): void {
  const onNavigate = (event: Event, url: string): void => {
    if (isAppUrl(url, appOrigins)) return;
    event.preventDefault();
    if (isAllowedExternalUrl(url)) void openExternal(url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-frame-navigate', (details) => {
    if (!isAppUrl(details.url, appOrigins)) details.preventDefault();
  });
  contents.setWindowOpenHandler(windowOpenHandler(openExternal));
}

/** `window.open` and `target=_blank`: never a new Electron window; allow-listed https opens outside. */
export function windowOpenHandler(
  openExternal: OpenExternal,
): (d: HandlerDetails) => WindowOpenHandlerResponse {
  return ({ url }) => {
    if (isAllowedExternalUrl(url)) void openExternal(url);
    return { action: 'deny' };
  };
}

/** Deny-by-default permission handlers on a session (requests, checks and devices). */
export function installPermissionHandlers(ses: Session, policy: PermissionPolicy): void {
  ses.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(isPermissionAllowed(permission, policy)),
  );
  ses.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission, policy));
  ses.setDevicePermissionHandler(() => false);
}

/** Sends the CSP with every response of the app's session. */
export function installCsp(ses: Session, csp: string): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const k of Object.keys(headers))
      if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}

/**
 * The effective preferences of a contents. `getLastWebPreferences` exists at run time but is
 * not in Electron's typings; `undefined` means "cannot tell" (the audit then relies on the
 * window factory being the only creator, since window.open is always denied).
 */
function lastWebPreferences(contents: WebContents): WebPreferences | null | undefined {
  const get = (contents as unknown as { getLastWebPreferences?: () => WebPreferences | null })
    .getLastWebPreferences;
  return typeof get === 'function' ? get.call(contents) : undefined;
}

/**
 * The runtime audit on every `web-contents-created`: webviews are refused, navigation and
 * window-open guards are attached, and a contents whose preferences are not the secure set
 * (contextIsolation, sandbox, no node, webSecurity, no experimental or Blink features) is
 * closed before it can load anything.
 */
export function auditWebContents(
  app: Pick<App, 'on'>,
  opts: { appOrigins: readonly string[]; openExternal: OpenExternal; onViolation: (what: string) => void },
): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      opts.onViolation('webview refused');
    });
    guardNavigation(contents, opts.appOrigins, opts.openExternal);
    if (contents.getType() === 'webview') {
      opts.onViolation(`webview contents ${contents.id} closed`);
      contents.close();
      return;
    }
    // Checked at creation and again when loading starts: a contents under construction may not
    // report its preferences yet.
    const check = (): void => {
      const prefs = lastWebPreferences(contents);
      if (prefs && !hasSecurePreferences(prefs) && !contents.isDestroyed()) {
        opts.onViolation(`insecure web preferences on contents ${contents.id}`);
        contents.close();
      }
    };
    check();
    contents.once('did-start-loading', check);
  });
}
