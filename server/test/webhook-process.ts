// A Parley server process for multi-process webhook tests: the real app on DATABASE_URL
// (PostgreSQL), private webhook URLs allowed, a short retry schedule and attempt timeout, so a
// killed process's leases expire within seconds. Prints {"port"} once ready; stops on SIGTERM.
import { buildApp } from '../src/app';
import { openDatabase } from '../src/storage/db';

const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
await database.migrate();
const app = await buildApp({
  config: {
    secretKey: process.env.SECRET_KEY!,
    publicUrl: 'http://127.0.0.1',
    allowSignup: true,
    webhookAllowPrivateUrls: true,
    webhookRetrySchedule: (process.env.WEBHOOK_RETRY_SCHEDULE ?? '0.2,0.2,0.2,0.2,0.2')
      .split(',')
      .map(Number),
  },
  database,
  webhooks: { attemptTimeoutMs: 1_000 },
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
