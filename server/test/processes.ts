import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// What every multi-process test needs: is PostgreSQL (and Redis) there, a fresh database, real
// server processes spawned from an entry in this folder (each prints {"port"} once listening),
// and a small JSON client. One copy, so the tests cannot drift on how a process is started,
// killed or cleaned up.

export const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Whether something listens at host:port (1 s). */
export const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = tcpConnect({ host, port, timeout: 1000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => (s.destroy(), resolve(false)));
  });

/** Why a multi-process test cannot run here, or null: PostgreSQL (and Redis when asked) reachable. */
export async function whyNotRunnable(needs: { redis?: boolean } = {}): Promise<string | null> {
  if (needs.redis) {
    const r = new URL(REDIS_URL);
    if (!(await reachable(r.hostname, Number(r.port || 6379))))
      return `Redis is not reachable at ${REDIS_URL}`;
  }
  const a = new URL(ADMIN_URL);
  if (!(await reachable(a.hostname, Number(a.port || 5432))))
    return `PostgreSQL is not reachable at ${ADMIN_URL}`;
  return null;
}

/** A fresh PostgreSQL database; `drop` removes it (closing whatever still uses it). */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** A spawned server process and its base URL. */
export type Proc = { child: ChildProcess; url: string };

/**
 * Spawns `server/test/<entry>` under tsx with `env` added to this process's environment and
 * resolves once it printed its port. An exit before that (or any exit but a SIGKILL the test
 * sent) rejects.
 */
export const startProcess = (entry: string, env: Record<string, string>): Promise<Proc> =>
  new Promise((resolve, reject) => {
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a child process of its own,
    // which a SIGKILL of the CLI leaves running (every run of these tests leaked its servers).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL(entry, import.meta.url))],
      {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.once('exit', (code, signal) => {
      if (code !== null || signal !== 'SIGKILL') reject(new Error(`server exited early (${code ?? signal})`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve({ child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` }),
    );
  });

/** SIGKILLs a process (resolves when it is gone). */
export const killProcess = (p: Proc) =>
  new Promise<void>((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });

/** A JSON request to a process: status, body and headers. */
export const processApi = async (p: Proc, method: string, path: string, body?: unknown, token?: string) => {
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: res.headers,
    json: (await res.json().catch(() => null)) as Record<string, unknown>,
  };
};
