import { defineConfig } from 'drizzle-kit';

// Generate with `npm run db:generate`; review and commit the SQL; never edit a shipped migration.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/src/storage/schema/index.ts',
  out: './server/src/storage/migrations',
  strict: true,
});
