// Writes the OpenAPI document the app serves at /api/v1/openapi.json to a file, without
// listening or a real database (a fresh in-memory PGlite, migrated).
// `npm run lint:openapi` lints it with @redocly/cli; `npm run gen:api-types` turns it into
// server/test/openapi-types.ts for the typed test client (openapi-fetch).
//   tsx server/src/write-openapi.ts <out.json>
import { writeFileSync } from 'node:fs';
import { buildApp } from './app';
import { openDatabase } from './storage/db';

const out = process.argv[2] ?? 'server/openapi.json';
const database = await openDatabase({ databaseUrl: undefined });
// The sync module reads its clock when the app becomes ready, so the schema must exist.
await database.migrate();
const app = await buildApp({
  config: {
    secretKey: 'openapi-document-only-openapi-document-only',
    publicUrl: 'https://parley.example.com',
    allowSignup: true,
  },
  database,
  background: false,
});
await app.ready();
writeFileSync(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await database.close();
process.stdout.write(`wrote ${out}\n`);
