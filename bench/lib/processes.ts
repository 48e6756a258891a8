import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

/** A child process that announced itself with one JSON line on stdout. */
export interface Started<T> {
  info: T;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript entry in its own process, pinned to one core when `taskset` exists (the
 * server on core 0, the load generator on core 1, per the quality bar's method), and waits for
 * the first stdout line, which must be JSON describing it (port, token…).
 */
export async function startProcess<T>(
  entry: string,
  opts: { cpu?: number; env?: Record<string, string>; args?: string[]; timeoutMs?: number } = {},
): Promise<Started<T>> {
  // BENCH_CPU_PROF=<dir>: each process writes a V8 CPU profile there when it exits (open it in
  // Chrome DevTools or summarize it with scripts/cpu-profile-top.mjs). Node refuses --cpu-prof
  // in NODE_OPTIONS, and the tsx CLI runs the entry in a child, so the loader is imported here.
  const prof = process.env.BENCH_CPU_PROF;
  const argv = prof
    ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, '--import', 'tsx', entry, ...(opts.args ?? [])]
    : [tsx, entry, ...(opts.args ?? [])];
  const [cmd, args] =
    hasTaskset && opts.cpu !== undefined
      ? ['taskset', ['-c', String(opts.cpu), process.execPath, ...argv]]
      : [process.execPath, argv];
  const child = spawn(cmd, args as string[], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start in time`)),
      opts.timeoutMs ?? 60_000,
    );
    child.once('exit', (code) => reject(new Error(`${entry} exited early with code ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${entry} printed a non-JSON first line: ${line}`));
      }
    });
  });
  return {
    info,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** Runs a TypeScript entry to completion (pinned like startProcess) and parses its last stdout line as JSON. */
export async function runProcess<T>(
  entry: string,
  opts: { cpu?: number; env?: Record<string, string>; args?: string[] } = {},
): Promise<T> {
  const p = await startProcess<T>(entry, { ...opts, timeoutMs: 600_000 });
  await new Promise<void>((resolve) =>
    p.child.exitCode !== null ? resolve() : p.child.once('exit', () => resolve()),
  );
  return p.info;
}
