import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the cluster fault suite (bench/cluster/*.faults.ts) — 3 server processes
// behind HAProxy on PostgreSQL + Redis with real client cores. Not part of `vitest run` (the
// default config's projects do not include it): it needs HAProxy, PostgreSQL and Redis and takes
// minutes; .ci/run runs it after npm test. Sizes and windows: env FAULTS_* (docs/deployment.md).
export default defineConfig({
  test: {
    include: ['bench/cluster/**/*.faults.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
