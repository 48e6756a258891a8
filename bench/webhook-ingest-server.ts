// Servers of the webhook-ingest benchmark, one per process (pinned to core 0 by the runner).
//   MODE=parley      Parley's real app (buildApp): signature check, durable receipt, 200, and the
//                    background processor applying every receipt (contacts, conversations,
//                    messages, sync log) in the same process while the load runs.
//   MODE=raw-insert  The raw baseline: plain Fastify with a raw-body route doing one single-row
//                    autocommit INSERT of the body: PGlite in-process (same process model as
//                    Parley's embedded mode) or a `pg` pool of 10 on PostgreSQL.
// DATABASE_URL selects PostgreSQL; otherwise PGlite in a fresh temporary directory.
// Prints {"port", ...} once listening; `GET /__bench/stats` reports processing progress.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../server/src/app';
import { createSecretBox } from '../server/src/domain/whatsapp/secret-box';
import { rowsOf } from '../server/src/storage/change-log';
import { openDatabase } from '../server/src/storage/db';
import { insertAccount } from '../server/src/storage/queries/whatsapp-accounts';

const mode = process.env.MODE ?? 'parley';
const databaseUrl = process.env.DATABASE_URL || undefined;
const dir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'parley-bench-ingest-'));
let app: FastifyInstance;
let close: () => Promise<void>;
let info: Record<string, unknown> = {};

if (mode === 'raw-insert') {
  app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const ddl =
    'create table if not exists receipts (id bigserial primary key, received_at timestamptz not null default now(), body bytea not null)';
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    await pool.query(ddl);
    app.post('/*', async (req, reply) => {
      await pool.query('insert into receipts (body) values ($1)', [req.body]);
      return reply.send('OK');
    });
    close = () => pool.end();
  } else {
    const db = await PGlite.create(join(dir!, 'pg'));
    await db.exec(ddl);
    app.post('/*', async (req, reply) => {
      await db.query('insert into receipts (body) values ($1)', [req.body]);
      return reply.send('OK');
    });
    close = () => db.close();
  }
} else {
  const database = await openDatabase({ databaseUrl, pgliteDir: dir ? join(dir, 'pg') : undefined });
  await database.migrate();
  const secretKey = 'bench-secret-key-bench-secret-key-0123456789';
  app = await buildApp({
    config: { secretKey, publicUrl: 'http://127.0.0.1', allowSignup: true },
    database,
    jobNamespace: 'bench',
  });
  app.get('/__bench/stats', async () => {
    const [r] = rowsOf<{ receipts: string; unprocessed: string; messages: string }>(
      await database.db.execute(sql`select
        (select count(*) from webhook_receipts) as receipts,
        (select count(*) from webhook_receipts where processed_at is null) as unprocessed,
        (select count(*) from messages) as messages`),
    );
    return {
      receipts: Number(r!.receipts),
      unprocessed: Number(r!.unprocessed),
      messages: Number(r!.messages),
    };
  });
  const signup = await app.inject({
    method: 'POST',
    url: '/api/v1/signup',
    payload: {
      organizationName: 'Bench Org',
      name: 'Bench Admin',
      email: `admin-${Date.now()}@bench.parley.test`,
      password: 'bench-password-123',
    },
  });
  if (signup.statusCode !== 201) throw new Error(`signup failed: ${signup.body}`);
  const organizationId = (signup.json() as { user: { organizationId: string } }).user.organizationId;
  // The number is inserted directly: connecting through the API would verify it with Meta.
  const box = createSecretBox(secretKey);
  const appSecret = `bench-app-secret-${randomUUID()}`;
  const phoneNumberId = String(100_000_000_000_000 + Math.floor(Math.random() * 1e14));
  const account = await insertAccount(database.db, {
    organizationId,
    name: 'Bench number',
    phoneNumberId,
    businessAccountId: '102290129340398',
    displayPhoneNumber: '+1 555-078-3881',
    accessTokenEnc: box.seal('EAAG-bench', 'access_token'),
    appSecretEnc: box.seal(appSecret, 'app_secret'),
    verifyTokenEnc: box.seal('bench-verify', 'verify_token'),
  });
  info = { accountId: account.id, appSecret, phoneNumberId, engine: database.engine };
  close = () => database.close();
}

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, ...info }));

process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => close())
    .finally(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
});
