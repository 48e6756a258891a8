import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

/** The repository root (this file is e2e/harness/build-renderer.ts). */
export const repoRoot = resolve(import.meta.dirname, '..', '..');
/** Where `renderer.vite.config.ts` writes the bundle. */
export const rendererOutDir = join(repoRoot, 'out', 'renderer');

/** Newest modification time (ms) of any file under `path`, skipping tests. */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (/\.test\.tsx?$/.test(entry)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when out/renderer is missing or older than the sources it is built from. */
export function rendererIsStale(): boolean {
  const index = join(rendererOutDir, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = [
    join(repoRoot, 'src', 'renderer'),
    join(repoRoot, 'contract'),
    join(repoRoot, 'renderer.vite.config.ts'),
  ];
  return sources.some((s) => existsSync(s) && newestMtime(s) > built);
}

/**
 * Builds the renderer with the same Vite config the desktop app uses, unless the existing
 * bundle is already newer than every source file.
 */
export async function ensureRendererBuilt(log: (line: string) => void = () => {}): Promise<void> {
  if (!rendererIsStale()) return;
  log('harness: building the renderer (out/renderer is missing or older than src/renderer)…');
  // 'error': the bundle's known warnings (zod's annotation comments, chunk size) are noise here.
  await build({ configFile: join(repoRoot, 'renderer.vite.config.ts'), logLevel: 'error' });
}
