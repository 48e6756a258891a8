// Runs after `npm install`. The Electron binary cannot be downloaded on every machine (CI and
// development boxes here reach only the npm registry), so `electron` is an optional dependency:
// when its own postinstall fails to download, npm drops the package. The shell code still needs
// the module's JavaScript and type declarations, which ship in the registry tarball, so we put
// those back without the binary. `e2e/electron` checks for the binary and skips when it is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const target = join(root, 'node_modules', 'electron');
if (!existsSync(join(target, 'package.json'))) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const range = pkg.optionalDependencies?.electron ?? 'latest';
  const dir = mkdtempSync(join(tmpdir(), 'parley-electron-'));
  try {
    const file = execFileSync('npm', ['pack', `electron@${range}`, '--silent', '--pack-destination', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['xzf', join(dir, file), '-C', dir]);
    mkdirSync(target, { recursive: true });
    cpSync(join(dir, 'package'), target, { recursive: true });
    console.log(
      `parley: Electron ${range} installed without its binary (download unavailable); the desktop app cannot launch here, everything else works.`,
    );
  } catch (error) {
    console.warn(
      `parley: could not restore the electron package (${error.message}); Electron-only code will not typecheck.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
