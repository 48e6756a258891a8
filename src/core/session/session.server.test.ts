import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CoreApi } from '#contract/ipc/contract';
import { createClientCore } from '../index';
import { createMemoryTokenStore, silentLogger, type TokenStore } from '../deps';
import { createFakeClock } from '../testing/fake-clock';

// The client core against the real server, as a black box: `server/src/main.ts` in demo mode
// (embedded PGlite in a temporary DATA_DIR, the seeded demo accounts) started as a child
// process. src/core may not import server code, so nothing from server/ is imported here; the
// demo credentials below are those of server/src/demo/seed.ts. Skipped if the server entry is
// missing.

const repo = resolve(import.meta.dirname, '..', '..', '..');
const serverEntry = join(repo, 'server', 'src', 'main.ts');
const tsxCli = join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const admin = { email: 'admin@demo.parley.test', password: 'demo-admin-pass' };
const manager = { email: 'manager@demo.parley.test', password: 'demo-manager-pass' };

let server: ChildProcess;
let url: string;

beforeAll(async () => {
  server = spawn(process.execPath, [tsxCli, serverEntry], {
    cwd: repo,
    env: {
      ...process.env,
      DEMO: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-server-')),
      LOG_LEVEL: 'silent',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (d: Buffer) => {
      output += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m && /demo organization ready/.test(output)) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => fail(new Error(`server exited (${code}):\n${output}`)));
  });
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});

function core(tokens: TokenStore, dataDir: string, clock = createFakeClock(Date.now())): CoreApi {
  return createClientCore({
    dataDir,
    defaultServerUrl: url,
    fetch: (i, init) => fetch(i, init),
    tokenStore: tokens,
    appInfo: { version: 'test', platform: 'linux' },
    // The server has no sync gateway in this test: the status follows the HTTP requests.
    syncTransport: null,
    clock,
    logger: silentLogger,
  });
}

describe.skipIf(!existsSync(serverEntry))('client core against the real server', () => {
  it('signs in, rotates the refresh token, restores, updates the profile and signs out', async () => {
    const memory = createMemoryTokenStore();
    const saved: string[] = [];
    const tokens: TokenStore = {
      ...memory,
      isSecure: true,
      save: async (k, v) => {
        saved.push(v);
        await memory.save(k, v);
      },
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-core-'));
    const clock = createFakeClock(Date.now());
    const a = core(tokens, dataDir, clock);

    const wrong = await a.handlers['session:signIn']({
      serverUrl: url,
      email: admin.email,
      password: 'nope',
    });
    expect(wrong).toEqual({
      ok: false,
      error: { code: 'invalid_credentials', message: 'Wrong email or password.' },
    });

    const signedIn = await a.handlers['session:signIn']({ serverUrl: url, ...admin });
    expect(signedIn).toMatchObject({
      ok: true,
      value: {
        status: 'signed_in',
        user: { email: admin.email, role: 'admin', organizationName: 'Demo Support' },
      },
    });

    // Move the client's clock to the refresh point: it rotates the token against the server.
    expect(saved).toHaveLength(1);
    const pendingBefore = clock.pending();
    expect(pendingBefore).toHaveLength(1);
    clock.advance(pendingBefore[0]!);
    await vi.waitFor(() => expect(saved).toHaveLength(2), { timeout: 10_000 });
    expect(saved[1]).not.toBe(saved[0]);
    expect(clock.pending()).toHaveLength(1);

    const renamed = await a.handlers['profile:update']({ name: 'Ada Admin (test)' });
    expect(renamed).toMatchObject({ ok: true, value: { name: 'Ada Admin (test)' } });
    await a.handlers['profile:update']({ name: 'Ada Admin' });
    await a.close();

    // A restart restores the session from the (rotated) stored token.
    const b = core(tokens, dataDir);
    expect(await b.handlers['session:get'](undefined)).toMatchObject({
      ok: true,
      value: { status: 'signed_in', user: { email: admin.email } },
    });
    const online: string[] = [];
    b.on('sync:status', (s) => online.push(s.state));
    await vi.waitFor(() => expect(online).toContain('online'), { timeout: 10_000 });
    expect(await b.handlers['session:signOut']({ wipeReplica: true })).toMatchObject({
      ok: true,
      value: { status: 'signed_out', lastServerUrl: url },
    });
    await b.close();
  });

  it('reports the server rate limit with its wait in seconds', async () => {
    const c = core(createMemoryTokenStore(), mkdtempSync(join(tmpdir(), 'parley-core-')));
    let last: Awaited<ReturnType<CoreApi['handlers']['session:signIn']>> | null = null;
    for (let i = 0; i < 8; i++) {
      last = await c.handlers['session:signIn']({
        serverUrl: url,
        email: manager.email,
        password: `wrong-${i}`,
      });
      if (!last.ok && last.error.code === 'rate_limited') break;
    }
    expect(last).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    if (last && !last.ok) expect(last.error.message).toMatch(/^Too many attempts, try again in \d+ s\.$/);
    await c.close();
  });
});
