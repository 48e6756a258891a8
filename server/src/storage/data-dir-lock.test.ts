import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from './data-dir-lock';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts the real server entry on an ephemeral port with an embedded database in `dataDir`. */
const startServer = (dataDir: string) => {
  // DATABASE_URL is dropped on purpose: this is about the embedded engine even under test:pg.
  const env = { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  // A process expected to fail never listens; don't let that surface as an unhandled rejection.
  listening.catch(() => undefined);
  return { child, listening, exited, output: () => ({ stdout, stderr }) };
};

describe('embedded data directory lock', () => {
  it('lets only one process open a data directory, and shuts down gracefully on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-lock-'));
    const first = startServer(dataDir);
    const url = await first.listening;
    expect(readFileSync(join(dataDir, 'pg.lock'), 'utf8').trim()).toBe(String(first.child.pid));
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });

    const started = Date.now();
    const second = startServer(dataDir);
    expect(await second.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(second.output().stderr).toContain(
      `Another Parley server (pid ${first.child.pid}) is using this data directory`,
    );

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output().stdout).toContain('stopped');
    expect(existsSync(join(dataDir, 'pg.lock'))).toBe(false);
  }, 60_000);

  it('clears a stale lock left by a dead process, with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-stale-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const path = join(dir, 'pg.lock');
    writeFileSync(path, `${dead.stdout}\n`);
    const warnings: string[] = [];
    const lock = acquireDataDirLock(path, (m) => warnings.push(m));
    expect(warnings.join()).toContain(`left by process ${dead.stdout}`);
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a lock held by a live process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-live-'));
    const path = join(dir, 'pg.lock');
    writeFileSync(path, `${process.ppid}\n`);
    expect(() => acquireDataDirLock(path)).toThrow(DataDirLockedError);
  });
});
