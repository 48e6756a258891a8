// The sender under test for `outbound-pacing`: Parley's real app (buildApp, its send worker and
// queue) on a migrated database, its Graph client aimed at the emulator process (EMULATOR_URL).
// It seeds one organization and one number (cap CAP msg/s) with MESSAGES queued text messages
// spread over RECIPIENTS conversations whose 24-hour window is open, written in bulk while the
// number is disconnected; then it connects the number, which starts the queue, and prints
// {"queued"}. DATABASE_URL selects PostgreSQL; otherwise PGlite in a temporary directory.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../server/src/app';
import { sendQueueOf } from '../../server/src/domain/messages/send-queue';
import { createSecretBox } from '../../server/src/domain/whatsapp/secret-box';
import { createGraphClient } from '../../server/src/meta/graph-client';
import { recordChanges } from '../../server/src/storage/change-log';
import { openDatabase } from '../../server/src/storage/db';

const SECRET = 'bench-secret-key-bench-secret-key-0123456789';
const cap = Number(process.env.CAP ?? 80);
const total = Number(process.env.MESSAGES ?? cap * 6);
const recipients = Number(process.env.RECIPIENTS ?? Math.max(50, Math.ceil(total / 3)));
const emulatorUrl = process.env.EMULATOR_URL!;
const phoneNumberId = process.env.PHONE_NUMBER_ID!;
const wabaId = process.env.WABA_ID!;
const token = process.env.TOKEN!;

const dir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), 'parley-bench-'));
const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL,
  pgliteDir: dir ? join(dir, 'pg') : undefined,
});
await database.migrate();
const app = await buildApp({
  config: { secretKey: SECRET, publicUrl: 'http://127.0.0.1', allowSignup: true },
  database,
  graph: createGraphClient({ baseUrl: emulatorUrl, version: 'v25.0' }),
  // Many recipients, each well under Meta's pair rate: the number's cap is what is measured.
  sendQueue: { pairRate: false },
});
await app.ready();

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
const { user } = signup.json() as { user: { id: string; organizationId: string } };
const org = user.organizationId;

const box = createSecretBox(SECRET);
const accountId = randomUUID();
const db = database.db;
await db.execute(sql`
  insert into whatsapp_accounts (id, organization_id, name, phone_number_id, business_account_id,
    throughput_mps, access_token_enc, app_secret_enc, verify_token_enc, status)
  values (${accountId}, ${org}, 'Bench line', ${phoneNumberId}, ${wabaId}, ${cap},
    ${box.seal(token, 'access_token')}, ${box.seal('bench-app-secret', 'app_secret')},
    ${box.seal('bench-verify-token', 'verify_token')}, 'disconnected')`);

// Conversations with an open window, then the messages and their send jobs, in bulk.
const now = new Date();
const window = new Date(now.getTime() + 20 * 3600_000);
const convs = Array.from({ length: recipients }, (_, i) => ({
  contact: randomUUID(),
  conv: randomUUID(),
  phone: `+1555${String(1_000_000 + i).padStart(7, '0')}`,
}));
await db.execute(sql`
  insert into contacts (id, organization_id, phone_e164, wa_id)
  select (c->>'contact')::uuid, ${org}, c->>'phone', substr(c->>'phone', 2)
  from json_array_elements(${JSON.stringify(convs)}::json) c`);
await db.execute(sql`
  insert into conversations (id, organization_id, whatsapp_account_id, contact_id, window_expires_at, last_inbound_at)
  select (c->>'conv')::uuid, ${org}, ${accountId}, (c->>'contact')::uuid, ${window}, ${now}
  from json_array_elements(${JSON.stringify(convs)}::json) c`);
const msgs = Array.from({ length: total }, (_, i) => ({
  id: randomUUID(),
  conv: convs[i % recipients]!.conv,
  seq: Math.floor(i / recipients) + 1,
}));
for (let i = 0; i < msgs.length; i += 2000) {
  const chunk = JSON.stringify(msgs.slice(i, i + 2000));
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into messages (id, organization_id, conversation_id, conv_seq, direction, type, author_id, text, status, status_at, created_at)
      select (m->>'id')::uuid, ${org}, (m->>'conv')::uuid, (m->>'seq')::bigint, 'outbound', 'text', ${user.id},
        'Your order is on its way', 'queued', ${now}, ${now}
      from json_array_elements(${chunk}::json) m`);
    await tx.execute(sql`
      insert into jobs (queue, organization_id, ordering_key, payload, run_at, max_attempts, created_at, updated_at)
      select ${sendQueueOf(accountId)}, ${org}, m.v->>'conv', json_build_object('messageId', m.v->>'id')::jsonb,
        ${now}, 10, ${now}, ${now}
      from json_array_elements(${chunk}::json) with ordinality as m(v, i) order by m.i`);
  });
}
await db.execute(sql`
  update conversations c set last_conv_seq = x.n from (
    select conversation_id, max(conv_seq) n from messages where organization_id = ${org} group by conversation_id
  ) x where c.organization_id = ${org} and c.id = x.conversation_id`);

// Connect the number: from here on the send worker drains the queue as fast as the cap allows.
await db.transaction(async (tx) => {
  await tx.execute(sql`update whatsapp_accounts set status = 'connected' where id = ${accountId}`);
  await recordChanges(tx, org, [{ entity: 'whatsapp_account', entityId: accountId }]);
});
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
app.outbound.services.sendWorker.wake();
console.log(JSON.stringify({ queued: total, recipients, engine: database.engine }));

// A second line once every message was accepted: this process's CPU time over the drain. On a
// machine whose cores are shared with other work the send rate moves with the load; CPU per
// message does much less, so before/after comparisons of the sender's own cost use it.
const cpuTimer = setInterval(() => {
  if (app.outbound.services.sendWorker.stats().sent < total) return;
  clearInterval(cpuTimer);
  const used = process.cpuUsage(cpu0);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(
    JSON.stringify({
      drained: total,
      cpuMs,
      cpuMsPerMessage: cpuMs / total,
      wallMs: performance.now() - wall0,
    }),
  );
}, 20);

process.on('SIGTERM', () => {
  clearInterval(cpuTimer);
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
