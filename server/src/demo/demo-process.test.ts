import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from './seed';

// Demo mode as `npm start` runs it: the real entry (server/src/main.ts) with DEMO=1 on an embedded
// database in a fresh data directory, the emulator's realistic status delays (200 ms / 1 s / 3 s)
// and simulated customers on. The server runs in its own process, so a hang is seen from outside
// (a /healthz that does not answer) instead of freezing the test's own event loop.

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The machine may be loaded: generous, but a hang never meets them. */
const HEALTH_MS = 20_000;
const HISTORY_MS = 240_000;

const startDemo = (dataDir: string) => {
  // DATABASE_URL is dropped on purpose: this is about the embedded engine even under test:pg.
  const env = {
    PATH: process.env.PATH,
    DEMO: '1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = w.re.exec(stdout);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout.on('data', (d) => ((stdout += String(d)), check()));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** Resolves with the first match of `re` in stdout; rejects when the process ends first. */
  const line = (re: RegExp) => {
    const p = new Promise<RegExpExecArray>((resolve, reject) => {
      waiters.push({ re, resolve });
      check();
      void exited.then((code) => reject(new Error(`server exited ${code}: ${stderr}`)));
    });
    p.catch(() => undefined);
    return p;
  };
  return { child, exited, line, output: () => ({ stdout, stderr }) };
};

const timeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms),
    ),
  ]);

describe('demo mode process (npm start)', () => {
  it('keeps answering while it writes the history, sends replies through to read, and stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-demo-process-'));
    dirs.push(dataDir);
    const server = startDemo(dataDir);
    const url = (await timeout(server.line(/listening on (http:\/\/\S+)/), 120_000, 'listen'))[1]!;
    const written = server.line(/\(demo conversations written\)/);
    let done = false;
    void written.then(
      () => (done = true),
      () => undefined,
    );

    // /healthz answers throughout the history (the hang: it stopped answering for good at the
    // demo's first agent reply).
    const deadline = Date.now() + HISTORY_MS;
    let probes = 0;
    while (!done) {
      expect(Date.now(), `history not written in ${HISTORY_MS} ms`).toBeLessThan(deadline);
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(HEALTH_MS) }).catch(
        (e: unknown) => {
          throw new Error(`/healthz did not answer while the demo wrote its history: ${String(e)}`, {
            cause: e,
          });
        },
      );
      expect(res.status).toBe(200);
      probes += 1;
      await Promise.race([written, new Promise((r) => setTimeout(r, 500))]);
    }
    expect(probes).toBeGreaterThan(0);
    expect(server.output().stderr).not.toMatch(/demo WhatsApp setup failed/);

    // An agent signs in over HTTP and answers the newest conversation; Meta's statuses follow.
    const agent = DEMO_USERS.find((u) => u.role === 'agent')!;
    const api = async <T>(method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(token && { authorization: `Bearer ${token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(HEALTH_MS),
      });
      const json = (await res.json().catch(() => null)) as T;
      return { status: res.status, json };
    };
    const login = await api<{ accessToken: string; memberships?: unknown }>(
      'POST',
      '/auth/login',
      undefined,
      {
        email: agent.email,
        password: agent.password,
      },
    );
    expect(login.status, JSON.stringify(login.json)).toBe(200);
    const token = login.json.accessToken;
    const list = await api<{ data: { id: string; windowExpiresAt: string | null }[] }>(
      'GET',
      '/conversations?limit=50',
      token,
    );
    expect(list.status, JSON.stringify(list.json)).toBe(200);
    const open = list.json.data.find(
      (c) => c.windowExpiresAt && new Date(c.windowExpiresAt).getTime() > Date.now() + 60_000,
    );
    expect(open, 'a conversation with an open window').toBeDefined();
    const sent = await api<{ id: string; status: string }>(
      'POST',
      `/conversations/${open!.id}/messages`,
      token,
      {
        type: 'text',
        text: 'Thanks for waiting — checking now.',
      },
    );
    expect(sent.status, JSON.stringify(sent.json)).toBe(202);
    const seen = new Set<string>();
    const readBy = Date.now() + 60_000;
    for (;;) {
      const m = await api<{ status: string }>('GET', `/messages/${sent.json.id}`, token);
      expect(m.status).toBe(200);
      seen.add(m.json.status);
      if (m.json.status === 'read') break;
      expect(m.json.status).not.toBe('failed');
      expect(Date.now(), `statuses seen: ${[...seen].join(', ')}`).toBeLessThan(readBy);
      await new Promise((r) => setTimeout(r, 200));
    }

    // SIGTERM: a clean shutdown that releases the data directory.
    server.child.kill('SIGTERM');
    expect(await timeout(server.exited, 30_000, 'shutdown')).toBe(0);
    expect(server.output().stdout).toContain('parley: stopped');
    expect(existsSync(join(dataDir, 'pg.lock'))).toBe(false);
  }, 420_000);
});
