// `npm run cluster`: the cluster topology for an operator to try — 3 Parley processes on a fresh
// PostgreSQL database with Redis between them, HAProxy in front, and the Meta emulator
// (`server/src/meta-emulator/main.ts`, its own process, autopilot customers writing) sending its
// webhooks to the balancer. Everything on 127.0.0.1; Ctrl-C stops all and drops the database.
// Env: CLUSTER_SERVERS (3), CLUSTER_PORT (balancer, default a free port), CLUSTER_VERBOSE=1
// (echo every process's output), AUTOPILOT_INTERVAL_MS.
import { spawn } from 'node:child_process';
import { connectNumber, signUp } from './org';
import { freePort, hasHaproxy, HAPROXY, repoRoot, startCluster, type Cluster } from './topology';

if (!hasHaproxy()) {
  console.error(`cluster: HAProxy not found at ${HAPROXY} (apt-get install haproxy, or set HAPROXY)`);
  process.exit(1);
}

const emulatorPort = await freePort();
const emulator = spawn(process.execPath, ['--import', 'tsx', 'server/src/meta-emulator/main.ts'], {
  cwd: repoRoot,
  env: { ...process.env, PORT: String(emulatorPort) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let printed = '';
const creds = await new Promise<Record<string, string>>((resolve, reject) => {
  emulator.once('exit', (code) => reject(new Error(`the Meta emulator exited (${code})`)));
  emulator.stdout!.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
    const field = (name: string) => new RegExp(`^\\s+${name}\\s+(\\S+)`, 'm').exec(printed)?.[1];
    const all = ['businessAccountId', 'phoneNumberId', 'accessToken', 'appSecret', 'verifyToken'];
    if (all.every(field)) resolve(Object.fromEntries(all.map((n) => [n, field(n)!])));
  });
});
const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;

let cluster: Cluster | undefined;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\ncluster: stopping…');
  emulator.kill('SIGTERM');
  await cluster?.close();
  console.log('cluster: stopped, database dropped');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

try {
  cluster = await startCluster({
    servers: Number(process.env.CLUSTER_SERVERS ?? 3),
    port: process.env.CLUSTER_PORT ? Number(process.env.CLUSTER_PORT) : undefined,
    metaGraphUrl: emulatorUrl,
    echo: process.env.CLUSTER_VERBOSE === '1' ? (line) => console.log(line) : undefined,
  });
} catch (e) {
  emulator.kill('SIGTERM');
  throw e;
}
const admin = await signUp(cluster.url, 'Cluster demo');
const { webhookUrl } = await connectNumber(cluster.url, admin.accessToken, {
  phoneNumberId: creds.phoneNumberId!,
  businessAccountId: creds.businessAccountId!,
  accessToken: creds.accessToken!,
  appSecret: creds.appSecret!,
  verifyToken: creds.verifyToken!,
});
const hook = await fetch(`${emulatorUrl}/_emulator/webhook`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    phoneNumberId: creds.phoneNumberId,
    callbackUrl: webhookUrl,
    appSecret: creds.appSecret,
    verifyToken: creds.verifyToken,
  }),
});
const verified = ((await hook.json()) as { verified?: boolean }).verified === true;

console.log(`cluster: balancer      ${cluster.url}   (HAProxy; /healthz through it)`);
for (const s of cluster.servers)
  console.log(`cluster: ${s.name.padEnd(13)} http://127.0.0.1:${s.port}  pid ${s.child.pid}`);
console.log(`cluster: PostgreSQL    ${cluster.databaseUrl} (processes go through a TCP proxy)`);
console.log(`cluster: Meta emulator ${emulatorUrl}  → webhooks to ${webhookUrl} (verified: ${verified})`);
console.log(`cluster: sign in at ${cluster.url} as ${admin.email} / ${admin.password}`);
console.log('cluster: try `kill -9 <pid>` on one process; Ctrl-C stops everything.');
