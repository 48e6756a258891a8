// `npm start`: the whole demo on one machine.
//
// 1. Starts the server in demo mode (embedded PGlite in ./data/demo, demo organization, Meta
//    emulator) unless one already answers /healthz on the port, and waits until it is healthy.
// 2. If the Electron binary is installed: rebuilds better-sqlite3 for Electron's ABI, builds the
//    app with electron-vite and launches it signed in to the demo organization
//    (PARLEY_SERVER_URL + PARLEY_DEMO_EMAIL/PASSWORD; the app honours the demo pair only when
//    both are set).
// 3. Otherwise (the binary cannot be downloaded on every machine) it says so and starts the
//    browser harness: the same renderer and client core, served to a normal browser.
//
// Environment: PORT (8787), PARLEY_DEMO_EMAIL / PARLEY_DEMO_PASSWORD (the demo admin of
// server/src/demo/seed.ts), DATA_DIR (./data/demo), LOG_LEVEL (the server's; default warn).
// Ctrl+C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = process.cwd();
const require = createRequire(import.meta.url);
const port = Number(process.env.PORT ?? 8787);
const serverUrl = `http://127.0.0.1:${port}`;
// Must match DEMO_USERS in server/src/demo/seed.ts.
const demo = {
  email: process.env.PARLEY_DEMO_EMAIL ?? 'admin@demo.parley.test',
  password: process.env.PARLEY_DEMO_PASSWORD ?? 'demo-admin-pass',
};
const tsxCli = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
let stopping = false;

function log(line) {
  console.log(`start: ${line}`);
}

/** Stops every child we started (by its own pid), then exits. */
function stopAll(code = 0, signal = 'SIGTERM') {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  const force = setTimeout(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    process.exit(code);
  }, 12_000);
  force.unref();
  Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : once(c)))).then(() =>
    process.exit(code),
  );
}
const once = (child) => new Promise((resolve) => child.once('exit', resolve));
process.once('SIGINT', () => stopAll(130, 'SIGINT'));
process.once('SIGTERM', () => stopAll(143, 'SIGTERM'));

/** Starts a long-running child; if it ends on its own, everything ends. */
function startChild(name, command, args, env = {}) {
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  child.stdout.on('data', (d) => process.stdout.write(d));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping`);
    stopAll(code ?? 1);
  });
  return child;
}

/** Runs a build step to completion, failing loudly. */
function runStep(title, command, args) {
  log(title);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`start: "${title}" failed`);
    stopAll(1);
    throw new Error(title);
  }
}

async function healthy() {
  try {
    const res = await fetch(`${serverUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitForServer(child, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await healthy()) return;
    if (child && child.exitCode !== null) throw new Error('the server exited during startup');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not become healthy at ${serverUrl}/healthz within ${timeoutMs / 1000} s`);
}

/** The Electron executable, or null when the npm package is present without its binary. */
function electronBinary() {
  if (!existsSync(join(root, 'node_modules', 'electron', 'dist'))) return null;
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

async function main() {
  if (await healthy()) {
    log(`a server already answers at ${serverUrl}; using it`);
  } else {
    log(`starting the server in demo mode on ${serverUrl}`);
    // `node --import tsx`, not the tsx CLI: the CLI's signal relay re-sends a signal its child did
    // not acknowledge within 30 ms and then SIGKILLs it, which on a busy machine cut the server's
    // graceful shutdown short (PGlite not checkpointed, data-dir lock left behind).
    const server = startChild('server', process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      DEMO: '1',
      DATA_DIR: process.env.DATA_DIR ?? join('data', 'demo'),
      PORT: String(port),
      HOST: '127.0.0.1',
      // Request logs would bury the sign-ins and URLs printed above; LOG_LEVEL=info brings them back.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    await waitForServer(server);
    log('server is healthy');
  }

  const env = {
    PARLEY_SERVER_URL: serverUrl,
    PARLEY_DEMO_EMAIL: demo.email,
    PARLEY_DEMO_PASSWORD: demo.password,
  };
  const electron = electronBinary();
  if (electron) {
    runStep('preparing better-sqlite3 for Electron', process.execPath, [
      'scripts/ensure-native.mjs',
      'electron',
    ]);
    runStep('building the app (electron-vite build)', process.execPath, [
      join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
    ]);
    log(`launching Parley, signed in as ${demo.email}`);
    startChild('Parley', electron, ['.'], env);
    return;
  }

  console.log('');
  console.log('start: ────────────────────────────────────────────────────────────────────────');
  console.log('start: The Electron binary is not available on this machine (node_modules/electron');
  console.log('start: has no dist/; it could not be downloaded). Starting the browser harness');
  console.log('start: instead: the same renderer and client core, in your browser.');
  console.log('start: ────────────────────────────────────────────────────────────────────────');
  runStep('preparing better-sqlite3 for Node', process.execPath, ['scripts/ensure-native.mjs', 'node']);
  const harness = startChild('harness', process.execPath, [tsxCli, 'e2e/harness/main.ts'], env);
  harness.stdout.on('data', (d) => {
    const m = /Harness ready at (\S+)/.exec(String(d));
    if (!m) return;
    console.log('');
    console.log(`start: ▶ Open ${m[1]} in your browser; it is signed in as ${demo.email}.`);
    console.log(`start:   Server ${serverUrl} · demo sign-in ${demo.email} / ${demo.password}`);
    console.log('start:   Ctrl+C stops the harness and the server.');
  });
}

main().catch((e) => {
  console.error(`start: ${e instanceof Error ? e.message : String(e)}`);
  stopAll(1);
});
