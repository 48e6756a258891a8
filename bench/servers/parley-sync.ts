// The server under test of the sync benchmarks (e2e-latency, fanout): Parley's real app
// (buildApp: webhooks, ingest, tailer, Socket.IO gateway) on a migrated database, listening on
// 127.0.0.1. Organizations and members are written straight to the database and their access
// tokens signed with the app's key (creating hundreds of users through the API would spend
// minutes hashing passwords); everything after that goes through the real code paths.
//   ORGS, MANAGERS, AGENTS   per organization (default 1, 5, 45)
//   DATABASE_URL             PostgreSQL; otherwise PGlite in a fresh temporary directory
// Prints {"port", "orgs": [{organizationId, accountId, appSecret, phoneNumberId, users: [...]}]}.
// `POST /__bench/assign` assigns each organization's conversations round-robin to its agents
// (as a manager's reassignment would, logged); `POST /__bench/burst` commits message changes as
// fast as it can for `ms` (fanout); `GET /__bench/stats` reports what was committed;
// `POST /__bench/stages` answers the server's stage samples (ms per stage, lib/stage-timings.ts,
// the same observations `GET /metrics` histograms) since the previous call, and forgets them.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../server/src/app';
import { createAccessTokens } from '../../server/src/domain/auth/access-tokens';
import { systemClock } from '../../server/src/lib/clock';
import { createStageTimings, type InboundStage } from '../../server/src/lib/stage-timings';
import { scopeChangesForConversation } from '../../server/src/domain/visibility/scope-changes';
import { createSecretBox } from '../../server/src/domain/whatsapp/secret-box';
import { recordChanges, rowsOf, type Change } from '../../server/src/storage/change-log';
import { openDatabase } from '../../server/src/storage/db';
import {
  contacts,
  conversations,
  memberships,
  messages,
  organizations,
  sessions,
  users,
} from '../../server/src/storage/schema/index';
import { insertAccount } from '../../server/src/storage/queries/whatsapp-accounts';

const ORGS = Number(process.env.ORGS ?? 1);
const MANAGERS = Number(process.env.MANAGERS ?? 5);
const AGENTS = Number(process.env.AGENTS ?? 45);
const secretKey = 'bench-secret-key-bench-secret-key-0123456789';
const databaseUrl = process.env.DATABASE_URL || undefined;
const dir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'parley-bench-sync-'));
const database = await openDatabase({ databaseUrl, pgliteDir: dir ? join(dir, 'pg') : undefined });
await database.migrate();
const db = database.db;
const timings = createStageTimings();
let stageSamples: Partial<Record<InboundStage, number[]>> = {};
timings.onObserve((stage, ms) => (stageSamples[stage] ??= []).push(ms));
const app = await buildApp({
  config: { secretKey, publicUrl: 'http://127.0.0.1', allowSignup: true },
  database,
  jobNamespace: 'bench-sync',
  timings,
});
const tokens = createAccessTokens({ secretKey, clock: systemClock, ttlMs: 3 * 3600_000 });
const box = createSecretBox(secretKey);

type BenchUser = { userId: string; role: 'manager' | 'agent'; token: string };
type BenchOrg = {
  organizationId: string;
  accountId: string;
  appSecret: string;
  phoneNumberId: string;
  users: BenchUser[];
};

const orgs: BenchOrg[] = [];
for (let o = 0; o < ORGS; o++) {
  const [org] = await db
    .insert(organizations)
    .values({ name: `Bench ${o}` })
    .returning({ id: organizations.id });
  const organizationId = org!.id;
  const members: BenchUser[] = [];
  const now = new Date();
  for (let i = 0; i < MANAGERS + AGENTS; i++) {
    const role = i < MANAGERS ? ('manager' as const) : ('agent' as const);
    const [u] = await db
      .insert(users)
      .values({
        email: `${role}-${o}-${i}-${randomUUID().slice(0, 8)}@bench.parley.test`,
        name: `${role} ${i}`,
        passwordHash: 'x',
      })
      .returning({ id: users.id });
    await db.insert(memberships).values({ organizationId, userId: u!.id, role });
    const [s] = await db
      .insert(sessions)
      .values({
        organizationId,
        userId: u!.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
      })
      .returning({ id: sessions.id });
    const token = tokens.sign({ sub: u!.id, org: organizationId, role, sid: s!.id }).token;
    members.push({ userId: u!.id, role, token });
  }
  const appSecret = `bench-app-secret-${randomUUID()}`;
  const phoneNumberId = String(100_000_000_000_000 + Math.floor(Math.random() * 1e14));
  const account = await insertAccount(db, {
    organizationId,
    name: 'Bench number',
    phoneNumberId,
    businessAccountId: String(200_000_000_000_000 + Math.floor(Math.random() * 1e14)),
    displayPhoneNumber: '+1 555-078-3881',
    accessTokenEnc: box.seal('EAAG-bench', 'access_token'),
    appSecretEnc: box.seal(appSecret, 'app_secret'),
    verifyTokenEnc: box.seal('bench-verify', 'verify_token'),
  });
  await db.transaction((tx) =>
    recordChanges(tx, organizationId, [
      ...members.map((m) => ({ entity: 'member', entityId: m.userId })),
      { entity: 'whatsapp_account', entityId: account.id },
    ]),
  );
  orgs.push({ organizationId, accountId: account.id, appSecret, phoneNumberId, users: members });
}

app.post('/__bench/assign', async () => {
  let assigned = 0;
  for (const o of orgs) {
    const agents = o.users.filter((u) => u.role === 'agent');
    if (agents.length === 0) continue;
    const rows = await db
      .select({
        id: conversations.id,
        assigneeId: conversations.assigneeId,
        teamId: conversations.teamId,
        ownerId: conversations.ownerId,
      })
      .from(conversations)
      .where(sql`${conversations.organizationId} = ${o.organizationId}`)
      .orderBy(conversations.createdAt, conversations.id);
    for (const [i, c] of rows.entries()) {
      const assigneeId = agents[i % agents.length]!.userId;
      if (c.assigneeId === assigneeId) continue;
      await db.transaction(async (tx) => {
        await tx
          .update(conversations)
          .set({ assigneeId })
          .where(sql`${conversations.id} = ${c.id}`);
        const scope = await scopeChangesForConversation(tx, o.organizationId, c.id, c, {
          assigneeId,
          teamId: c.teamId,
          ownerId: c.ownerId,
        });
        await recordChanges(tx, o.organizationId, [
          { entity: 'conversation', entityId: c.id, conversationId: c.id },
          ...scope,
        ]);
      });
      assigned += 1;
    }
  }
  await app.sync.idle();
  return { assigned };
});

/** One conversation per organization for the fanout burst (created on first use). */
const burstConversations = new Map<string, { conversationId: string; next: number }>();
let committed = 0;

app.post('/__bench/burst', async (req) => {
  const { ms = 5_000, batch = 5 } = (req.body ?? {}) as { ms?: number; batch?: number };
  for (const o of orgs) {
    if (burstConversations.has(o.organizationId)) continue;
    const [contact] = await db
      .insert(contacts)
      .values({ organizationId: o.organizationId, waId: String(15_550_000_000 + burstConversations.size) })
      .returning({ id: contacts.id });
    const [conv] = await db
      .insert(conversations)
      .values({ organizationId: o.organizationId, whatsappAccountId: o.accountId, contactId: contact!.id })
      .returning({ id: conversations.id });
    burstConversations.set(o.organizationId, { conversationId: conv!.id, next: 1 });
  }
  const deadline = Date.now() + ms;
  const started = committed;
  let i = 0;
  while (Date.now() < deadline) {
    const o = orgs[i++ % orgs.length]!;
    const b = burstConversations.get(o.organizationId)!;
    await db.transaction(async (tx) => {
      const rows = Array.from({ length: batch }, () => ({
        id: randomUUID(),
        organizationId: o.organizationId,
        conversationId: b.conversationId,
        convSeq: b.next++,
        direction: 'inbound' as const,
        type: 'text',
        text: `Hello, I ordered the blue jacket last week and it has not arrived yet (${b.next}).`,
        status: 'delivered' as const,
      }));
      await tx.insert(messages).values(rows);
      const changes: Change[] = rows.map((r) => ({
        entity: 'message',
        entityId: r.id,
        conversationId: r.conversationId,
      }));
      await recordChanges(tx, o.organizationId, changes);
    });
    committed += batch;
  }
  await app.sync.idle();
  return { committed: committed - started };
});

/** The conversations `/__bench/missed` writes into (created on first use, in organization 0). */
const missedConversations: { id: string; next: number }[] = [];

// catch-up: commits exactly `changes` sync-log entries in organization 0 the way inbound
// messages land (a message insert and its conversation's last-message update, both logged, in
// transactions of `batch` messages), spread over `conversations` conversations. Returns the
// organization's seq before and after.
app.post('/__bench/missed', async (req) => {
  const {
    changes = 10_000,
    conversations: k = 1_000,
    batch = 50,
  } = (req.body ?? {}) as { changes?: number; conversations?: number; batch?: number };
  const o = orgs[0]!;
  const seqOf = async () => {
    const [r] = rowsOf<{ seq: string }>(
      await db.execute(sql`select seq from sync_clock where organization_id = ${o.organizationId}`),
    );
    return Number(r?.seq ?? 0);
  };
  if (missedConversations.length < k) {
    await db.transaction(async (tx) => {
      const created: Change[] = [];
      for (let i = missedConversations.length; i < k; i++) {
        const [contact] = await tx
          .insert(contacts)
          .values({
            organizationId: o.organizationId,
            waId: String(16_550_000_000 + i),
            name: `Customer ${i}`,
          })
          .returning({ id: contacts.id });
        const [conv] = await tx
          .insert(conversations)
          .values({
            organizationId: o.organizationId,
            whatsappAccountId: o.accountId,
            contactId: contact!.id,
          })
          .returning({ id: conversations.id });
        missedConversations.push({ id: conv!.id, next: 1 });
        created.push({ entity: 'contact', entityId: contact!.id });
        created.push({ entity: 'conversation', entityId: conv!.id, conversationId: conv!.id });
      }
      await recordChanges(tx, o.organizationId, created);
    });
    await app.sync.idle();
    return { from: await seqOf(), to: await seqOf(), created: true };
  }
  const from = await seqOf();
  let left = changes;
  let r = 0;
  while (left > 0) {
    const n = Math.min(batch, Math.floor(left / 2)) || 1;
    await db.transaction(async (tx) => {
      const at = new Date();
      const rows = Array.from({ length: n }, () => {
        const c = missedConversations[(r++ * 7919) % missedConversations.length]!;
        return {
          id: randomUUID(),
          organizationId: o.organizationId,
          conversationId: c.id,
          convSeq: c.next++,
          direction: 'inbound' as const,
          type: 'text',
          text: `Hello, where is my order #${r}? It has not arrived yet. Thanks!`,
          status: 'delivered' as const,
          createdAt: at,
        };
      });
      await tx.insert(messages).values(rows);
      // Each conversation's last-message fields and counters, as ingest sets them.
      await tx.execute(sql`
        update conversations c set last_conv_seq = m.conv_seq, last_message_at = m.created_at,
          last_message_id = m.id, last_message_preview = m.text, last_message_type = m.type,
          last_message_direction = m.direction, last_message_status = m.status,
          last_inbound_at = m.created_at, unread_count = c.unread_count + 1, updated_at = m.created_at
        from messages m
        where m.conversation_id = c.id and m.id in (${sql.join(
          rows.map((m) => sql`${m.id}::uuid`),
          sql`, `,
        )})`);
      // A message and its conversation per inbound message: 2n entries (the batch's
      // conversations are distinct, so none collapse).
      await recordChanges(
        tx,
        o.organizationId,
        rows.flatMap((m): Change[] => [
          { entity: 'message', entityId: m.id, conversationId: m.conversationId },
          { entity: 'conversation', entityId: m.conversationId, conversationId: m.conversationId },
        ]),
      );
    });
    left -= 2 * n;
  }
  await app.sync.idle();
  return { from, to: await seqOf(), created: false };
});

app.post('/__bench/stages', async () => {
  const out = stageSamples;
  stageSamples = {};
  return out;
});

app.get('/__bench/stats', async () => {
  const [r] = rowsOf<{ unprocessed: string }>(
    await db.execute(sql`select count(*) as unprocessed from webhook_receipts where processed_at is null`),
  );
  return { unprocessed: Number(r?.unprocessed ?? 0), committed };
});

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(
  JSON.stringify({
    port: typeof address === 'object' && address ? address.port : 0,
    engine: database.engine,
    orgs,
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
