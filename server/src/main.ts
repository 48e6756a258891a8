import { join } from 'node:path';
import { buildApp } from './app';
import { ensureSecretKey, parseConfig } from './config/config';
import { DEMO_USERS, seedDemo, type DemoContext } from './demo/seed';
import type { WhatsAppDemo } from './demo/whatsapp-demo';
import { createPasswordHasher } from './domain/auth/password-hasher';
import { systemClock } from './lib/clock';
import { createResumableUploader } from './meta/resumable-upload';
import { loggerOptions } from './plugins/logger';
import { DataDirLockedError } from './storage/data-dir-lock';
import { openDatabase, type Database } from './storage/db';

/** Process entry: config → database → migrate → (demo seed) → buildApp → listen → graceful shutdown. */
async function main() {
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(`Invalid configuration: ${parsed.error.message}`);
    process.exit(1);
  }
  const config = ensureSecretKey(parsed.value);

  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      pgliteDir: config.databaseUrl ? undefined : join(config.dataDir, 'pg'),
      warn: (msg) => console.warn(`parley: ${msg}`),
    });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(`parley: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  await database.migrate();

  const hasher = createPasswordHasher();
  let demoContext: DemoContext | undefined;
  let demo: WhatsAppDemo | undefined;
  if (config.demo) {
    demoContext = await seedDemo(database.db, { hasher, clock: systemClock });
    // The Meta emulator runs in this process; imported here only, never in production paths.
    const { startWhatsAppDemo } = await import('./demo/whatsapp-demo');
    demo = await startWhatsAppDemo({
      db: database.db,
      clock: systemClock,
      apiVersion: config.metaApiVersion,
      autopilotMs: config.demoPaceSeconds * 1000,
      log: (line) => console.warn(`parley: ${line}`),
    });
  }

  const app = await buildApp({
    // Demo: header samples go to the in-process emulator, which takes any app id.
    config: demo ? { ...config, metaAppId: config.metaAppId ?? '1000000000' } : config,
    database,
    hasher,
    authRateLimits: {
      signup: { max: config.signupRateLimitPerHour, windowMs: 60 * 60 * 1000 },
      signIn: { max: config.signInRateLimitPerMinute, windowMs: 60 * 1000 },
    },
    ...(demo && {
      graph: demo.graph,
      uploader: createResumableUploader({ baseUrl: demo.emulatorUrl, version: config.metaApiVersion }),
    }),
    logger: loggerOptions({
      level: config.logLevel,
      pretty: Boolean(process.stdout.isTTY) && config.nodeEnv !== 'production',
    }),
  });

  let stopping = false;
  let stoppingAt = 0;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // One stop often arrives twice within milliseconds: Ctrl-C or `kill -- -pgid` signals the
      // whole process group, and a parent (npm start, a supervisor) forwards the same signal.
      // Only a signal sent again later means "stop now, without waiting".
      if (performance.now() - stoppingAt < 1000) return;
      console.error(`parley: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    stoppingAt = performance.now();
    console.log(`parley: ${signal} received, draining requests…`);
    // A stuck connection must not keep the process (and the PGlite lock) alive forever.
    const force = setTimeout(() => {
      console.error('parley: shutdown took longer than 10 s, exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      // The emulator first: its webhooks must not keep Parley's connections busy while it closes.
      await demo?.close();
      await app.close();
      await database.close();
      console.log('parley: stopped');
      process.exit(0);
    } catch (e) {
      console.error('parley: error during shutdown', e);
      process.exit(1);
    }
  };
  // `on`, not `once`: with no listener left, a repeated signal would kill the process mid-drain
  // (and leave the PGlite lock behind).
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    const address = await app.listen({ port: config.port, host: config.host });
    console.log(`parley: listening on ${address} (${database.engine}; public URL ${config.publicUrl})`);
    console.log(`parley: API docs at ${address}/docs`);
  } catch (e) {
    console.error(`parley: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`);
    await database.close();
    process.exit(1);
  }
  if (config.demo && demo && demoContext) {
    console.log(`parley: demo organization ready. Sign in with:`);
    for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(7)} ${u.email} / ${u.password}`);
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const { created } = await demo.afterListen(app, base, demoContext);
      console.log(
        `parley: WhatsApp number ${demo.seed.displayPhoneNumber} connected to the in-process Meta emulator at ${demo.emulatorUrl}` +
          (created ? ' (demo conversations written)' : ''),
      );
    } catch (e) {
      console.error(`parley: demo WhatsApp setup failed: ${(e as Error).message}`);
    }
  }
}

await main();
