// The list benchmarks' pages: the real renderer (out/renderer, built with the desktop app's Vite
// config) with an in-memory `window.parley` injected (inbox-page/bench-parley.ts), and the
// minimal baseline list (inbox-page/minimal.html), served from one local HTTP server. Chromium
// is the Debian one with the flags of playwright.config.ts.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import react from '@vitejs/plugin-react';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import { ensureRendererBuilt, rendererOutDir, repoRoot } from '../../e2e/harness/build-renderer';

/** Where the bench page is built. */
export const benchPageOutDir = join(repoRoot, 'out', 'bench-inbox');

/** Builds the renderer (if stale) and the bench page (always: it is small). */
export async function buildInboxBenchPages(): Promise<void> {
  await ensureRendererBuilt();
  await build({
    configFile: false,
    root: resolve(repoRoot, 'bench', 'inbox-page'),
    base: './',
    logLevel: 'error',
    plugins: [react()],
    build: {
      outDir: benchPageOutDir,
      emptyOutDir: true,
      rollupOptions: {
        input: {
          minimal: resolve(repoRoot, 'bench', 'inbox-page', 'minimal.html'),
          'bench-parley': resolve(repoRoot, 'bench', 'inbox-page', 'bench-parley.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** A running bench page server: `${url}/app/?n=…` (the app) and `${url}/bench/minimal.html?n=…`. */
export interface BenchPages {
  url: string;
  close(): Promise<void>;
}

/** Serves /app/ from out/renderer (with the in-memory parley injected) and /bench/ from the bench build. */
export async function serveInboxBenchPages(): Promise<BenchPages> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://bench').pathname);
      const [root, rest] = path.startsWith('/app/')
        ? [rendererOutDir, path.slice('/app/'.length)]
        : path.startsWith('/bench/')
          ? [benchPageOutDir, path.slice('/bench/'.length)]
          : [null, ''];
      if (!root) return void res.writeHead(404).end();
      const relative = normalize(rest || 'index.html').replace(/^[/\\]+/, '');
      const file = join(root, relative);
      if (!file.startsWith(root + sep)) return void res.writeHead(403).end();
      try {
        let body: Buffer | string = await readFile(file);
        if (root === rendererOutDir && relative === 'index.html') {
          // Before the app's module script, so window.parley exists when the bundle runs.
          body = body
            .toString('utf8')
            .replace(
              '<script type="module"',
              '<script type="module" src="/bench/bench-parley.js"></script>\n    <script type="module"',
            );
        }
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Debian's Chromium with playwright.config.ts's flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The hooks both pages expose as `window.__bench`. */
export interface BenchHooks {
  rows: number;
  dataReadyAt: number;
  held?: unknown;
  release(): void;
  switchTo?(status: 'open' | 'resolved'): void;
  whenPainted(check: () => boolean, timeoutMs?: number): Promise<number>;
  scriptedScroll(
    el: HTMLElement,
    durationMs: number,
  ): Promise<{
    frames: number;
    dropped: number;
    droppedPct: number;
    p95IntervalMs: number;
    maxIntervalMs: number;
    distancePx: number;
  }>;
  countNodes(root: Element | null): number;
}
