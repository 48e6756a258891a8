// A Parley server process for multi-process sync tests: the real app on DATABASE_URL (PostgreSQL)
// with REDIS_URL (Socket.IO Redis adapter), listening on 127.0.0.1:0. Prints {"port"} once ready
// and stops on SIGTERM.
import { buildApp } from '../src/app';
import { openDatabase } from '../src/storage/db';

const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
await database.migrate();
const app = await buildApp({
  config: {
    secretKey: process.env.SECRET_KEY!,
    publicUrl: 'http://127.0.0.1',
    allowSignup: true,
    redisUrl: process.env.REDIS_URL,
  },
  database,
  syncTickMs: 200,
  jobNamespace: process.env.JOB_NAMESPACE,
  // The per-address limits count in the machine's Redis across runs: tests sign up every run.
  authRateLimits: {
    signup: { max: 10_000, windowMs: 60 * 60 * 1000 },
    signIn: { max: 10_000, windowMs: 60 * 1000 },
  },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(
  `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => database.close())
    .finally(() => process.exit(0));
});
