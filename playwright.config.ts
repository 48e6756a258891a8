import { defineConfig } from '@playwright/test';

/** Debian's Chromium by default; PARLEY_CHROMIUM points elsewhere. */
export const chromiumPath = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  // Playwright applies tsconfig `paths` when it loads the specs. Without this it finds the web
  // project's paths through the root references, and those point drizzle-orm, better-sqlite3
  // and electron at a module that exports nothing (how the renderer's tsconfig refuses them),
  // so the harness's client core would load an empty migrator.
  tsconfig: './tsconfig.tools.json',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      // Without the background-networking flags Chromium keeps trying hosts this closed network
      // refuses; --no-sandbox because CI runs as root.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
