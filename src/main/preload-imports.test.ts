import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The main process loads out/preload/index.cjs into a sandboxed renderer, which can only
// `require('electron')`: a run-time import of zod (the contract's table) would break every
// window. The preload takes its channel and event names from the contract's plain lists.
describe('the preload main loads', () => {
  const valueImports = (path: string) =>
    [
      ...readFileSync(new URL(path, import.meta.url), 'utf8').matchAll(
        /^import (?!type )[^;]*?from '([^']+)'/gm,
      ),
    ].map((m) => m[1]);

  it('imports nothing at run time but electron and the plain name lists', () => {
    expect(valueImports('../preload/index.ts')).toEqual(['electron', '#contract/ipc/names']);
    expect(valueImports('../../contract/ipc/names.ts')).toEqual([]);
  });
});
