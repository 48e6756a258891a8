import { defineConfig } from 'vitest/config';

// Three projects: the server (integration tests on PGlite, or PostgreSQL when DATABASE_URL is
// set), the Node-side desktop code (shared contract, client core, Electron shell with
// `electron` mocked), and the renderer in jsdom.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          // integration/: tests that drive the client core against the real server (both sides).
          include: ['server/**/*.test.ts', 'integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'node',
          include: [
            'contract/**/*.test.ts',
            'src/core/**/*.test.ts',
            'src/main/**/*.test.ts',
            'src/preload/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'renderer',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          testTimeout: 30_000,
        },
      },
    ],
  },
});
