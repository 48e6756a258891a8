import { createClientCore } from './index';
import { createConsoleLogger } from './deps';
import type { HostPort } from './host/protocol';
import { serveCore, type CoreFactory } from './host/serve';

/**
 * The core host entry (built to out/main/core-host.js). In Electron it runs as a utility
 * process so SQLite never blocks the UI thread; `process.parentPort` is its channel to main.
 * Importing this file anywhere else (tests, Node) does nothing: the Electron-only part is the
 * guarded call at the bottom, and `electron` is never imported.
 */

/** The core as the host builds it: global fetch, system clock, a stderr logger. */
export const createHostedCore: CoreFactory = (config, tokenStore) =>
  createClientCore({
    dataDir: config.dataDir,
    defaultServerUrl: config.defaultServerUrl,
    appInfo: config.appInfo,
    migrationsDir: config.migrationsDir,
    autoSignIn: config.autoSignIn ?? null,
    fetch: (input, init) => fetch(input, init),
    tokenStore,
    logger: createConsoleLogger('core-host'),
  });

/** The slice of Electron's `process.parentPort` the host uses (typed here, not imported). */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/** Adapts Electron's parentPort (messages arrive as `{data}` events) to a HostPort. */
export function parentPortAdapter(parentPort: ElectronParentPort): HostPort {
  return {
    post: (msg) => parentPort.postMessage(msg),
    onMessage: (cb) => parentPort.on('message', (e) => cb(e.data)),
  };
}

const electronParentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
if (electronParentPort) {
  serveCore(parentPortAdapter(electronParentPort), createHostedCore, () => process.exit(0));
}
