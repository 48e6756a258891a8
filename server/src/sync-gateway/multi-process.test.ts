import { createHmac, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse } from '#contract/api/auth';
import type { LoggedIn } from '../../test/factories';
import {
  freshDatabase,
  processApi as api,
  REDIS_URL,
  startProcess,
  whyNotRunnable,
  type Proc,
} from '../../test/processes';
import { connectSync, until, type TestSocket } from '../../test/sync';
import { startToggleProxy, type ToggleProxy } from '../../test/toggle-proxy';
import { createSecretBox } from '../domain/whatsapp/secret-box';
import { rowsOf } from '../storage/change-log';
import { openDatabase, type Database } from '../storage/db';
import { insertAccount } from '../storage/queries/whatsapp-accounts';

// Two server processes on one PostgreSQL database with the Redis adapter (sync-protocol §2.6
// "multiple nodes"): a client connected to one process sees what the other ingests; exactly one
// process tails the organization (lease); revocation reaches sockets on the other process.
// Needs PostgreSQL (PG_ADMIN_URL) and Redis at 127.0.0.1:6379; skips, saying why, without them.

const SECRET_KEY = 'multi-process-secret-key-0123456789-abcdefgh';

const skip = await whyNotRunnable({ redis: true });
if (skip) console.warn(`multi-process sync test skipped: ${skip}`);

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let database: Database;
let a: Proc;
let b: Proc;
/** A third process whose Redis goes through a proxy the test cuts. */
let c: Proc;
let redisProxy: ToggleProxy;
const sockets: TestSocket[] = [];

const startServer = (redisUrl = REDIS_URL): Promise<Proc> =>
  startProcess('./sync-process.ts', { DATABASE_URL: fresh.url, REDIS_URL: redisUrl, SECRET_KEY });

const asUser = (r: AuthResponse, password: string): LoggedIn => ({
  id: r.user.id,
  email: r.user.email,
  password,
  role: r.user.role,
  organizationId: r.user.organizationId,
  accessToken: r.accessToken,
  refreshToken: r.refreshToken,
  headers: { authorization: `Bearer ${r.accessToken}` },
});

describe.skipIf(skip !== null)('sync across two server processes (Redis adapter)', () => {
  let admin: LoggedIn;
  let manager: LoggedIn;
  let account: { id: string; appSecret: string; phoneNumberId: string };

  beforeAll(async () => {
    fresh = await freshDatabase('parley_multi');
    database = await openDatabase({ databaseUrl: fresh.url, poolSize: 2 });
    await database.migrate();
    redisProxy = await startToggleProxy(REDIS_URL);
    [a, b, c] = await Promise.all([
      startServer(),
      startServer(),
      startServer(`redis://127.0.0.1:${new URL(redisProxy.url).port}`),
    ]);

    const signup = await api(a, 'POST', '/api/v1/signup', {
      organizationName: 'Two processes',
      name: 'Admin',
      email: `admin-${randomUUID().slice(0, 8)}@example.test`,
      password: 'correct horse battery staple',
    });
    expect(signup.status).toBe(201);
    admin = asUser(signup.json as unknown as AuthResponse, 'correct horse battery staple');
    const created = await api(
      a,
      'POST',
      '/api/v1/users',
      {
        email: `manager-${randomUUID().slice(0, 8)}@example.test`,
        name: 'Manager',
        role: 'manager',
        mode: 'password',
      },
      admin.accessToken,
    );
    expect(created.status).toBe(201);
    const password = created.json.temporaryPassword as string;
    const login = await api(b, 'POST', '/api/v1/auth/login', {
      email: (created.json.user as { email: string }).email,
      password,
    });
    expect(login.status).toBe(200);
    manager = asUser(login.json as unknown as AuthResponse, password);

    const box = createSecretBox(SECRET_KEY);
    const appSecret = `secret-${randomUUID()}`;
    const phoneNumberId = String(100_000_000_000_000 + Math.floor(Math.random() * 1e14));
    const row = await insertAccount(database.db, {
      organizationId: admin.organizationId,
      name: 'Line',
      phoneNumberId,
      businessAccountId: '102290129340398',
      accessTokenEnc: box.seal('EAAG-test', 'access_token'),
      appSecretEnc: box.seal(appSecret, 'app_secret'),
      verifyTokenEnc: box.seal('verify', 'verify_token'),
    });
    account = { id: row.id, appSecret, phoneNumberId };
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const p of [a, b, c]) {
      if (!p) continue;
      const exited = new Promise((r) => p.child.once('exit', r));
      p.child.kill('SIGTERM');
      await exited;
    }
    await redisProxy?.close();
    await database?.close();
    await fresh?.drop();
  }, 60_000);

  /** The customer writes; the webhook is POSTed, signed like Meta, to `to`. */
  const inbound = async (to: Proc, text: string) => {
    const waId = '15551230000';
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: account.phoneNumberId },
                contacts: [{ profile: { name: 'Two' }, wa_id: waId }],
                messages: [
                  {
                    from: waId,
                    id: `wamid.${randomUUID()}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: text },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const res = await fetch(`${to.url}/webhooks/whatsapp/${account.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', account.appSecret).update(body).digest('hex')}`,
      },
      body,
    });
    expect(res.status).toBe(200);
  };
  const got = (s: TestSocket, text: string) => JSON.stringify(s.packets).includes(text);

  it('delivers what one process ingests to clients of both, with exactly one tailer per organization', async () => {
    const onB = await connectSync(b.url, manager);
    const onA = await connectSync(a.url, admin);
    sockets.push(onA, onB);
    await inbound(a, 'ingested by A');
    await until(() => got(onB, 'ingested by A') && got(onA, 'ingested by A'), 10_000, 'A → both');
    await inbound(b, 'ingested by B');
    await until(() => got(onA, 'ingested by B') && got(onB, 'ingested by B'), 10_000, 'B → both');
    // One tailer lease for the organization, held by one process.
    const leases = rowsOf<{ locked_by: string | null }>(
      await database.db.execute(
        sql`select locked_by from jobs where queue like '%_lease' and dedupe_key = ${`sync-tailer:${admin.organizationId}`}`,
      ),
    );
    expect(leases).toHaveLength(1);
    expect(leases[0]!.locked_by).not.toBeNull();
    // Each client got each message exactly once, in one chain.
    for (const s of [onA, onB]) {
      const texts = s.packets.flatMap((p) => p.changes).filter((c) => c.e === 'message' && c.op === 'put');
      expect(texts).toHaveLength(2);
      for (let i = 1; i < s.packets.length; i++)
        if (s.packets[i]!.prev !== null) expect(s.packets[i]!.prev).toBe(s.packets[i - 1]!.seq);
    }
  });

  it('while a process has lost Redis, its clients are ticked to pull what other processes ingest; live again after', async () => {
    const onA = await connectSync(a.url, admin);
    const onC = await connectSync(c.url, manager);
    sockets.push(onA, onC);
    redisProxy.setOnline(false);
    // C notices at once (its connections are reset); give its client a moment to report it.
    await new Promise((r) => setTimeout(r, 300));
    await inbound(a, 'during the Redis outage');
    await until(() => got(onA, 'during the Redis outage'), 10_000, 'A delivers live');
    const seq = Math.max(...onA.packets.map((p) => p.seq));
    // C cannot receive the packet (the tailer is A or B), but ticks its socket with the seq.
    await until(() => onC.ticks.some((t) => t.seq >= seq), 3_000, 'degraded tick on C');
    expect(got(onC, 'during the Redis outage')).toBe(false);

    redisProxy.setOnline(true);
    // ioredis reconnects with a backoff of up to 2 s; then live packets reach C again.
    const deadline = Date.now() + 15_000;
    for (let n = 0; !got(onC, 'after the outage'); n++) {
      if (Date.now() > deadline) throw new Error('no live packet on C within 15 s of Redis returning');
      await inbound(a, `after the outage ${n}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  });

  it('disconnects a deactivated member on the other process within a second', async () => {
    const onB = await connectSync(b.url, manager);
    sockets.push(onB);
    const started = Date.now();
    const res = await api(
      a,
      'PATCH',
      `/api/v1/users/${manager.id}`,
      { deactivated: true },
      admin.accessToken,
    );
    expect(res.status).toBe(200);
    await until(() => onB.disconnectedAt !== null, 1_000, 'cross-process disconnect');
    expect(onB.disconnectedAt! - started).toBeLessThan(1_000);
  });
});
