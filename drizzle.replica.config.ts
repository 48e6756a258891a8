import { defineConfig } from 'drizzle-kit';

// The desktop replica (SQLite, one file per server/organization/user). `drizzle-kit generate`
// writes SQL into src/core/db/migrations; it is committed, reviewed, and applied by
// src/core/db/migrate.ts when a replica opens. Replica migrations are ADDITIVE ONLY (see
// src/core/README.md): never drop, rename or retype a column, never reuse a name.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/core/db/schema',
  out: './src/core/db/migrations',
});
