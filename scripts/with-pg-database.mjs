// Runs a command against a fresh, throwaway PostgreSQL database and drops it afterwards.
//   node scripts/with-pg-database.mjs <command> [args…]
// The server URL comes from PG_ADMIN_URL (default: the machine's postgres://postgres@127.0.0.1:5432/postgres);
// the command sees DATABASE_URL pointing at the new database.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `parley_test_${Date.now()}_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
await admin.end();

const url = new URL(adminUrl);
url.pathname = `/${name}`;
console.log(`parley: running against PostgreSQL database ${name}`);
const [cmd, ...args] = process.argv.slice(2);
const run = spawnSync(cmd === 'vitest' ? 'npx' : cmd, cmd === 'vitest' ? ['vitest', ...args] : args, {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: url.toString() },
});

const cleanup = new pg.Client({ connectionString: adminUrl });
await cleanup.connect();
// The test harness gives each vitest worker its own database, `<name>_w<pool id>`.
const perWorker = await cleanup.query('select datname from pg_database where datname like $1', [
  `${name}\\_w%`,
]);
for (const { datname } of perWorker.rows)
  await cleanup.query(`drop database if exists "${datname}" with (force)`);
await cleanup.query(`drop database if exists ${name} with (force)`);
await cleanup.end();
process.exit(run.status ?? 1);
