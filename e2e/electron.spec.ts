import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { repoRoot } from './harness/build-renderer';
import { SignInPage } from './pages/SignInPage';

/**
 * Finds the Electron binary: node_modules/electron/dist must exist and `require('electron')`
 * must resolve to a file. Returns the reason when it does not, so the skip says why.
 */
function findElectron(): { path: string } | { reason: string } {
  const dist = join(repoRoot, 'node_modules', 'electron', 'dist');
  if (!existsSync(dist)) return { reason: `${dist} does not exist` };
  try {
    const path = createRequire(join(repoRoot, 'package.json'))('electron') as unknown;
    if (typeof path !== 'string' || !existsSync(path))
      return { reason: `require('electron') gave ${String(path)}` };
    return { path };
  } catch (e) {
    return { reason: `require('electron') failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const found = findElectron();
const mainEntry = join(repoRoot, 'out', 'main', 'index.js');

const skipReason =
  'reason' in found
    ? `Electron binary not installed on this machine (download unavailable): ${found.reason}`
    : null;

// Reporters show a skipped test without its reason, so say it once, from the runner process
// (workers have TEST_WORKER_INDEX set and load this file again).
if (skipReason && process.env.TEST_WORKER_INDEX === undefined)
  console.log(`e2e/electron.spec.ts: skipped. ${skipReason}`);

test.describe('Electron smoke test', () => {
  test.skip(skipReason !== null, skipReason ?? '');

  test.beforeAll(() => {
    // The app loads better-sqlite3 built for Electron's ABI; the harness needs Node's again after.
    execFileSync(process.execPath, ['scripts/ensure-native.mjs', 'electron'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    if (!existsSync(mainEntry)) {
      execFileSync(
        process.execPath,
        [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
        {
          cwd: repoRoot,
          stdio: 'inherit',
        },
      );
    }
  });

  test.afterAll(() => {
    execFileSync(process.execPath, ['scripts/ensure-native.mjs', 'node'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  });

  test('launches the built app, signs in and closes', async ({ server, account }) => {
    const executablePath = 'path' in found ? found.path : '';
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-electron-'));
    const app = await electron.launch({
      executablePath,
      args: ['--no-sandbox', mainEntry],
      env: { ...process.env, PARLEY_SERVER_URL: server.url, PARLEY_DATA_DIR: dataDir },
    });
    try {
      const window = await app.firstWindow();
      const signIn = new SignInPage(window);
      await expect(signIn.heading).toBeVisible();
      await expect(signIn.serverUrl).toHaveValue(server.url);
      await signIn.signInAs(account, account.organizationName);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
