import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreApi } from '#contract/ipc/contract';
import {
  createClientCore,
  createConsoleLogger,
  createMemoryTokenStore,
  silentLogger,
} from '../../src/core/index';
import { attachBridge } from './bridge-host';
import { ensureRendererBuilt, rendererOutDir, repoRoot } from './build-renderer';
import { createMediaHandler, MEDIA_PATH } from './media-files';
import { createStaticHandler } from './static-files';

/** Options of {@link startHarness}; each falls back to the environment, then a default. */
export interface HarnessOptions {
  /** Listen port on 127.0.0.1; 0 picks a free one. Default HARNESS_PORT or 5180. */
  port?: number;
  /** The core's data directory. Default HARNESS_DATA_DIR or a fresh temporary directory. */
  dataDir?: string;
  /** Pre-filled on the sign-in screen. Default PARLEY_SERVER_URL or http://127.0.0.1:8787. */
  defaultServerUrl?: string;
  /** Progress lines (building, ready). Default: silent. */
  log?: (line: string) => void;
  /** Log core warnings and errors to stderr. Default true. */
  coreLogs?: boolean;
  /**
   * Sign in with these at startup when no session was restored (`npm start`'s browser fallback
   * passes the demo admin, as the desktop app does). Default: none, the sign-in form shows.
   */
  autoSignIn?: { email: string; password: string } | null;
}

/** A running harness. */
export interface Harness {
  /** The page to open, e.g. http://127.0.0.1:5180/. */
  url: string;
  /** The core's data directory. */
  dataDir: string;
  /** The real client core behind the bridge. */
  core: CoreApi;
  /** Stops the HTTP server, the bridge and the core; deletes the data dir if it made it. */
  close(): Promise<void>;
}

/**
 * Starts the browser harness: the real client core in this Node process, the built renderer
 * over HTTP, and a WebSocket bridge that stands in for the Electron preload + IPC. A test and
 * development tool, not a product surface: it listens on 127.0.0.1 only and accepts bridge
 * connections from its own origin only.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const log = options.log ?? (() => {});
  const port = options.port ?? Number(process.env.HARNESS_PORT ?? 5180);
  const ownsDataDir = !(options.dataDir ?? process.env.HARNESS_DATA_DIR);
  const dataDir =
    options.dataDir ?? process.env.HARNESS_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'parley-harness-'));
  const defaultServerUrl =
    options.defaultServerUrl ?? process.env.PARLEY_SERVER_URL ?? 'http://127.0.0.1:8787';

  await ensureRendererBuilt(log);

  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  const core = createClientCore({
    dataDir,
    defaultServerUrl,
    fetch: (input, init) => fetch(input, init),
    tokenStore: createMemoryTokenStore(),
    appInfo: { version, platform: `${process.platform} (browser harness)` },
    logger: options.coreLogs === false ? silentLogger : createConsoleLogger('harness core'),
    // Same origin as the page, served below (the Electron app uses parley://media/<id>).
    mediaUrl: (id) => `${MEDIA_PATH}${id}`,
    autoSignIn: options.autoSignIn ? { serverUrl: defaultServerUrl, ...options.autoSignIn } : null,
  });

  const serveStatic = createStaticHandler(rendererOutDir);
  const serveMedia = createMediaHandler(core);
  const server = createServer((req, res) => {
    const served = req.url?.startsWith(MEDIA_PATH) ? serveMedia(req, res) : serveStatic(req, res);
    served.catch((e: unknown) => {
      console.error('harness: request failed', e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  let origin = '';
  const detachBridge = attachBridge(server, core, () => origin);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${actualPort}`;

  let closed = false;
  return {
    url: `${origin}/`,
    dataDir,
    core,
    async close() {
      if (closed) return;
      closed = true;
      await detachBridge();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await core.close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
