// The server under test for the integrator benchmarks (`api-key-auth`, `api-send`): Parley's
// real app (buildApp) on a migrated database with one organization, one connected number, one
// customer whose 24-hour window is open and one message in their conversation, and an API key
// (messages:read + messages:send, a limit high enough never to trip) made through the admin
// route. Background work is off: the send worker would call Meta, and `api-send` measures sends
// ACCEPTED (checked, written, queued), not delivered. Prints {"port","key","messageId","to",
// "whatsappAccountId"} once listening. DATABASE_URL selects PostgreSQL; otherwise PGlite.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../server/src/app';
import { createSecretBox } from '../../server/src/domain/whatsapp/secret-box';
import { openDatabase } from '../../server/src/storage/db';

const SECRET = 'bench-secret-key-bench-secret-key-0123456789';
const dir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), 'parley-bench-'));
const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL,
  pgliteDir: dir ? join(dir, 'pg') : undefined,
});
await database.migrate();
const app = await buildApp({
  config: { secretKey: SECRET, publicUrl: 'http://127.0.0.1', allowSignup: true },
  database,
  background: false,
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
const { accessToken, user } = signup.json() as {
  accessToken: string;
  user: { organizationId: string; id: string };
};
const org = user.organizationId;
const db = database.db;
const box = createSecretBox(SECRET);
const accountId = randomUUID();
const contactId = randomUUID();
const conversationId = randomUUID();
const messageId = randomUUID();
const phone = '+15550001234';
const now = new Date();
await db.execute(sql`
  insert into whatsapp_accounts (id, organization_id, name, phone_number_id, business_account_id,
    throughput_mps, access_token_enc, app_secret_enc, verify_token_enc, status)
  values (${accountId}, ${org}, 'Bench line', '100000000000001', '200000000000001', 1000,
    ${box.seal('bench-token', 'access_token')}, ${box.seal('bench-app-secret', 'app_secret')},
    ${box.seal('bench-verify-token', 'verify_token')}, 'connected')`);
await db.execute(sql`insert into contacts (id, organization_id, phone_e164, wa_id)
  values (${contactId}, ${org}, ${phone}, ${phone.slice(1)})`);
await db.execute(sql`
  insert into conversations (id, organization_id, whatsapp_account_id, contact_id, window_expires_at, last_inbound_at, last_conv_seq)
  values (${conversationId}, ${org}, ${accountId}, ${contactId}, ${new Date(now.getTime() + 20 * 3600_000)}, ${now}, 1)`);
await db.execute(sql`
  insert into messages (id, organization_id, conversation_id, conv_seq, direction, type, text, status, status_at, created_at)
  values (${messageId}, ${org}, ${conversationId}, 1, 'inbound', 'text', 'Where is my order?', 'delivered', ${now}, ${now})`);

const created = await app.inject({
  method: 'POST',
  url: '/api/v1/api-keys',
  headers: { authorization: `Bearer ${accessToken}` },
  payload: { name: 'Bench', scopes: ['messages:read', 'messages:send'], rateLimitPerMinute: 100_000 },
});
if (created.statusCode !== 201) throw new Error(`key creation failed: ${created.body}`);
const { key } = created.json() as { key: string };

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(
  JSON.stringify({
    port: typeof address === 'object' && address ? address.port : 0,
    key,
    messageId,
    to: phone,
    whatsappAccountId: accountId,
  }),
);

process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => database.close())
    .finally(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
});
