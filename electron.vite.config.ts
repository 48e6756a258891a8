import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { rendererConfig } from './renderer.vite.config';

// Main and the core host are bundled for Node with dependencies left external, so the native
// better-sqlite3 addon is loaded from node_modules at run time (rebuilt for Electron's ABI by
// `npm run rebuild:electron`). The preload is bundled to CommonJS because sandboxed preloads
// cannot load ES modules.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          'core-host': resolve(import.meta.dirname, 'src/core/host.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
