// fanout: 1,000 connected sockets (50 organizations × 20 members who see every conversation),
// message changes committed as fast as the server can for a burst, delivered events/s at the
// clients ÷ a raw `ws` broadcast server with the same topology and the same client harness
// (quality bar G4; target ratio ≥ 0.5). Parley's path is the real one: commit with the sync log →
// NOTIFY → the organization's tailer (routing, one packet per member per batch) → Socket.IO
// rooms; the raw server broadcasts the same events from memory, BATCH per frame as Parley packs
// them per member per commit. Servers on core 0, the harness on core 1; the
// runs alternate, REPS times, on PGlite (the embedded default).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { higherIsBetter, type MetricLine } from './lib/metric';
import { runProcess, startProcess } from './lib/processes';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const ORGS = 50;
const MEMBERS = 20;
const BURST_MS = Number(process.env.BURST_MS ?? 5_000);
const BATCH = Number(process.env.BATCH ?? 50);
const parleyEntry = fileURLToPath(new URL('./servers/parley-sync.ts', import.meta.url));
const rawEntry = fileURLToPath(new URL('./servers/raw-ws-broadcast.ts', import.meta.url));
const loadEntry = fileURLToPath(new URL('./fanout-load.ts', import.meta.url));

type LoadResult = { eventsPerS: number; events: number; expected: number; seconds: number; sockets: number };

/** Runs the benchmark (registered in bench/run.ts). */
export async function* run(): AsyncIterable<MetricLine> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-fanout-'));
  const ours = await startProcess<{ port: number; orgs: unknown[] }>(parleyEntry, {
    cpu: 0,
    env: { DATABASE_URL: '', ORGS: String(ORGS), MANAGERS: String(MEMBERS), AGENTS: '0' },
    timeoutMs: 300_000,
  });
  const raw = await startProcess<{ port: number }>(rawEntry, { cpu: 0 });
  const oursFile = join(dir, 'parley.json');
  const rawFile = join(dir, 'raw.json');
  writeFileSync(oursFile, JSON.stringify(ours.info));
  writeFileSync(
    rawFile,
    JSON.stringify({
      port: raw.info.port,
      orgs: Array.from({ length: ORGS }, (_, o) => ({
        organizationId: `room-${o}`,
        users: Array.from({ length: MEMBERS }, (_, u) => ({ userId: `${o}-${u}`, token: '' })),
      })),
    }),
  );
  const env = { BURST_MS: String(BURST_MS), BATCH: String(BATCH) };
  const oursRuns: LoadResult[] = [];
  const rawRuns: LoadResult[] = [];
  try {
    for (let i = 0; i < REPS; i++) {
      oursRuns.push(
        await runProcess<LoadResult>(loadEntry, {
          cpu: 1,
          env: { ...env, MODE: 'parley', SERVER_INFO_FILE: oursFile },
        }),
      );
      rawRuns.push(
        await runProcess<LoadResult>(loadEntry, {
          cpu: 1,
          env: { ...env, MODE: 'raw', SERVER_INFO_FILE: rawFile },
        }),
      );
    }
  } finally {
    await ours.stop();
    await raw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  yield higherIsBetter(
    'fanout.pglite.delivered_events_per_s',
    'events/s',
    oursRuns.map((r) => r.eventsPerS),
    rawRuns.map((r) => r.eventsPerS),
    { ratio: 0.5 },
    {
      sockets: ORGS * MEMBERS,
      topology: `${ORGS} organizations × ${MEMBERS} members`,
      burstMs: BURST_MS,
      commitBatch: BATCH,
      delivered: oursRuns.map((r) => `${r.events}/${r.expected}`),
      client:
        "socket.io-client / ws counting message events, every frame JSON-parsed; raw frames carry commitBatch events like Parley's packets",
    },
  );
}
