import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  safeStorage,
  session,
  shell,
  webContents,
} from 'electron';
import { createConsoleLogger, systemClock } from '../core/deps';
import { createCoreHostBridge, type CoreHostBridge } from './core-host/bridge';
import { forkUtilityHost } from './core-host/utility-host';
import { migrationsDirFor, readMainConfig } from './config';
import { forwardCoreEvents, registerIpc } from './ipc/register-ipc';
import { createAttention, focusWindow } from './platform/attention';
import { createDeepLinks, registerDeepLinks } from './platform/deep-links';
import { createSafeStorageTokenStore } from './platform/token-store';
import { createMediaActions } from './platform/media-actions';
import { APP_ENTRY_URL, APP_ORIGIN, appSchemePrivileges, registerAppProtocol } from './windows/app-protocol';
import { serveMedia } from './windows/media-protocol';
import { auditWebContents, installCsp, installPermissionHandlers } from './windows/harden';
import { createMainWindow } from './windows/main-window';
import { buildCsp, originOf } from './windows/security';

/**
 * The Electron main process: lifecycle, one instance, the security hardening, the core host
 * (a utility process) and the IPC bridge to it, and the main window. Everything with logic in
 * it lives in a module with its own tests; this file only wires them.
 */

const here = dirname(fileURLToPath(import.meta.url));
const log = createConsoleLogger('main');
const config = readMainConfig(process.env);
const appOrigins = [config.devServerUrl ? originOf(config.devServerUrl) : APP_ORIGIN].filter(
  (o): o is string => o !== null,
);
const openExternal = (url: string) => shell.openExternal(url);

if (config.dataDirOverride) app.setPath('userData', config.dataDirOverride);
// Must happen before `ready`.
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
auditWebContents(app, { appOrigins, openExternal, onViolation: (what) => log.error(`security: ${what}`) });

let bridge: CoreHostBridge | null = null;
let mainWindow: BrowserWindow | null = null;
const deepLinks = createDeepLinks();

function openMainWindow(): void {
  mainWindow = createMainWindow({
    preloadPath: join(here, '..', 'preload', 'index.cjs'),
    url: config.devServerUrl ?? APP_ENTRY_URL,
    stateDir: app.getPath('userData'),
    iconPath: join(app.getAppPath(), 'resources', 'icon-512.png'),
  });
  mainWindow.on('closed', () => (mainWindow = null));
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  const csp = buildCsp({
    serverUrls: [config.serverUrl],
    devServerOrigin: config.devServerUrl ? originOf(config.devServerUrl) : null,
  });
  installCsp(ses, csp);
  const userData = app.getPath('userData');
  // The notification opt-in (saved beside the window state), the badge and focus-on-click.
  const attention = createAttention({
    dir: userData,
    app,
    window: () => mainWindow,
    onError: (m) => log.warn(`attention: ${m}`),
  });
  installPermissionHandlers(ses, { notificationsOptIn: attention.notificationsOptIn });
  // The core keeps media under userData/media; the protocol and the actions serve nothing else.
  const mediaRoot = join(userData, 'media');
  const getMedia = (mediaId: string) =>
    bridge ? bridge.handlers['media:get']({ mediaId }) : Promise.resolve(null);
  registerAppProtocol(protocol, join(here, '..', 'renderer'), csp, (request) =>
    serveMedia(
      request,
      async (id) => {
        const r = await getMedia(id);
        return r?.ok ? r.value : null;
      },
      mediaRoot,
    ),
  );

  const tokenStore = createSafeStorageTokenStore({ safeStorage, platform: process.platform, dir: userData });
  if (!tokenStore.isSecure) log.warn('secure storage unavailable: refresh tokens are kept in memory only');
  bridge = createCoreHostBridge({
    spawn: () => forkUtilityHost(join(here, 'core-host.js')),
    config: {
      dataDir: userData,
      defaultServerUrl: config.serverUrl,
      appInfo: { version: app.getVersion(), platform: process.platform },
      tokenStorage: tokenStore.isSecure ? 'secure' : 'memory',
      migrationsDir: migrationsDirFor({
        isPackaged: app.isPackaged,
        resourcesPath: process.resourcesPath,
        appPath: app.getAppPath(),
      }),
      // Demo mode (npm start) only: both variables must be set.
      autoSignIn: config.demo ? { serverUrl: config.serverUrl, ...config.demo } : null,
    },
    tokenStore,
    clock: systemClock,
    logger: log,
  });
  bridge.start();
  registerIpc(ipcMain, bridge, {
    allowedOrigins: appOrigins,
    local: {
      'app:setAttention': (i) => attention.set(i),
      'app:takeInviteLink': () => deepLinks.take(),
      ...createMediaActions({
        getMedia: (i) => bridge!.handlers['media:get'](i),
        mediaRoot,
        openDir: join(tmpdir(), 'parley-open'),
        shell,
        dialog,
        window: () => mainWindow,
      }),
    },
  });
  forwardCoreEvents(bridge, () => webContents.getAllWebContents().filter((wc) => wc.getType() === 'window'));
  openMainWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another Parley is running: it gets focused (second-instance below) and this one leaves.
  app.quit();
} else {
  // Invite links (`parley://invite…`): from the start command line, a second instance's, or macOS.
  deepLinks.offerArgv(process.argv);
  registerDeepLinks(app, deepLinks, () => {
    if (mainWindow) focusWindow(mainWindow);
  });
  app.on('second-instance', (_event, argv: readonly string[] = []) => {
    deepLinks.offerArgv(argv);
    if (mainWindow) focusWindow(mainWindow);
  });
  app.whenReady().then(start, (e: unknown) => {
    log.error('startup failed', { error: String(e) });
    app.exit(1);
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && bridge) openMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let shutDown = false;
  app.on('before-quit', (event) => {
    if (shutDown || !bridge) return;
    // Let the core close the replica cleanly (WAL checkpoint) before the process ends.
    event.preventDefault();
    shutDown = true;
    void bridge.close().finally(() => app.quit());
  });
}
