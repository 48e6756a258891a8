// The cluster topology of issue 9 "Prove the cluster", with real parts on 127.0.0.1: a fresh
// PostgreSQL database, N Parley processes (`server/src/main.ts` via tsx) on it with Redis between
// them, HAProxy in front, and TCP proxies between the processes and PostgreSQL / Redis that a
// fault test can cut (the machine's PostgreSQL and Redis are never stopped). Used by
// `npm run cluster` (main.ts) and the fault suite (faults.faults.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { startToggleProxy, type ToggleProxy } from '../../e2e/fixtures/toggle-proxy';
import { haproxyConfig } from './haproxy';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// `node --import tsx`, not the tsx CLI: the CLI runs the program in a child process, so a
// kill -9 of the CLI would leave the server running.
const tsxLoader = join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');
export const HAPROXY = process.env.HAPROXY ?? '/usr/sbin/haproxy';
const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.CLUSTER_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Whether HAProxy can run here. */
export const hasHaproxy = () => spawnSync(HAPROXY, ['-v']).status === 0;

/** One Parley server process. */
export interface ServerProcess {
  name: string;
  port: number;
  child: ChildProcess;
  /** Its stdout and stderr, last 20 kB (for failure messages). */
  output(): string;
}

export interface ClusterOptions {
  /** Server processes (default 3). */
  servers?: number;
  /** The balancer's port (default: a free one). */
  port?: number;
  /** META_GRAPH_URL of the processes (the Meta emulator). */
  metaGraphUrl: string;
  /** Extra environment for the server processes. */
  env?: Record<string, string>;
  /** Where process output goes besides the kept tail (default: nowhere). */
  echo?: (line: string) => void;
  /** HAProxy health check interval, ms. */
  checkIntervalMs?: number;
}

export interface Cluster {
  /** http://127.0.0.1:<balancer port> */
  url: string;
  servers: ServerProcess[];
  databaseUrl: string;
  /** A pool on the database, straight (not through the cuttable proxy), for checks. */
  pool: pg.Pool;
  /** Cut / restore the processes' PostgreSQL connections. */
  postgres: ToggleProxy;
  /** Cut / restore the processes' Redis connections. */
  redis: ToggleProxy;
  /** kill -9 of one process. */
  kill9(index: number): Promise<void>;
  /** Starts a killed process again on the same port. */
  restart(index: number): Promise<void>;
  /** Stops everything and drops the database. */
  close(): Promise<void>;
}

/** Starts the topology; resolves once HAProxy sees every process healthy. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const count = options.servers ?? 3;
  const dbName = `parley_cluster_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const direct = new URL(PG_ADMIN_URL);
  direct.pathname = `/${dbName}`;
  const databaseUrl = direct.toString();

  const postgres = await startToggleProxy(`http://${direct.hostname}:${direct.port || 5432}`);
  const redisTarget = new URL(REDIS_URL);
  const redis = await startToggleProxy(`http://${redisTarget.hostname}:${redisTarget.port || 6379}`);
  const viaProxy = new URL(databaseUrl);
  viaProxy.port = new URL(postgres.url).port;
  const redisViaProxy = `redis://127.0.0.1:${new URL(redis.url).port}`;

  const work = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const secretKey = `cluster-${dbName}-0123456789abcdefghijklmnop`;
  const servers: ServerProcess[] = [];
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));

  const spawnServer = (name: string, serverPort: number): Promise<ServerProcess> =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', pathToFileURL(tsxLoader).href, 'server/src/main.ts'],
        {
          cwd: repoRoot,
          env: {
            ...process.env,
            NODE_ENV: 'production',
            HOST: '127.0.0.1',
            PORT: String(serverPort),
            PUBLIC_URL: url,
            DATABASE_URL: viaProxy.toString(),
            REDIS_URL: redisViaProxy,
            TRUST_PROXY: '1',
            SECRET_KEY: secretKey,
            // One media directory for all: any process may serve what another fetched.
            DATA_DIR: join(work, 'data'),
            META_GRAPH_URL: options.metaGraphUrl,
            LOG_LEVEL: 'warn',
            ALLOW_SIGNUP: '1',
            // The per-address limits count in the machine's Redis across runs; every run signs up.
            SIGNUP_RATE_LIMIT_PER_HOUR: '10000',
            SIGNIN_RATE_LIMIT_PER_MINUTE: '10000',
            ...options.env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let tail = '';
      let ready = false;
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        tail = (tail + text).slice(-20_000);
        for (const line of text.split('\n')) if (line) options.echo?.(`[${name}] ${line}`);
        if (!ready && tail.includes('parley: listening on')) {
          ready = true;
          resolve({ name, port: serverPort, child, output: () => tail });
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        if (!ready) reject(new Error(`${name} exited before listening (${code ?? signal}):\n${tail}`));
      });
    });

  // The first process migrates alone (two migrating at once would race on the schema).
  servers.push(await spawnServer('s1', ports[0]!));
  servers.push(...(await Promise.all(ports.slice(1).map((p, i) => spawnServer(`s${i + 2}`, p)))));

  const cfg = join(work, 'haproxy.cfg');
  writeFileSync(
    cfg,
    haproxyConfig({
      port,
      servers: servers.map((s) => ({ name: s.name, port: s.port })),
      checkIntervalMs: options.checkIntervalMs ?? 1000,
    }),
  );
  let haproxyTail = '';
  const haproxy = spawn(HAPROXY, ['-f', cfg, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    haproxyTail = (haproxyTail + chunk.toString()).slice(-10_000);
    for (const line of chunk.toString().split('\n')) if (line) options.echo?.(`[haproxy] ${line}`);
  };
  haproxy.stdout!.on('data', keep);
  haproxy.stderr!.on('data', keep);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });

  const stopChild = async (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const force = setTimeout(() => child.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(force);
  };

  const cluster: Cluster = {
    url,
    servers,
    databaseUrl,
    pool,
    postgres,
    redis,
    async kill9(index) {
      await stopChild(servers[index]!.child, 'SIGKILL');
    },
    async restart(index) {
      const s = servers[index]!;
      servers[index] = await spawnServer(s.name, s.port);
    },
    async close() {
      await Promise.all(servers.map((s) => stopChild(s.child)));
      await stopChild(haproxy);
      await pool.end();
      await postgres.close();
      await redis.close();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
      rmSync(work, { recursive: true, force: true });
    },
  };

  // Ready when the balancer answers /healthz through every process (all checks up).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (haproxy.exitCode !== null) {
      await cluster.close();
      throw new Error(`haproxy exited (${haproxy.exitCode}):\n${haproxyTail}`);
    }
    const oks = await Promise.all(
      Array.from({ length: count }, () =>
        fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    if (oks.every(Boolean)) break;
    if (Date.now() > deadline) {
      await cluster.close();
      throw new Error(`the balancer did not become healthy:\n${haproxyTail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return cluster;
}
