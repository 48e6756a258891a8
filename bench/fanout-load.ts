// The client harness of the fanout benchmark (its own process, pinned to core 1): opens one
// connection per member — Socket.IO to Parley's `/sync` namespace (MODE=parley, handshake with
// the member's token) or a bare `ws` to the raw broadcast server (MODE=raw, joining the member's
// organization room) — asks the server for a burst (commit batches of BATCH; the raw server puts
// the same number of events in a frame), and counts the message events that arrive, parsing
// every frame as JSON in both modes. Delivered events/s = events ÷ time from the burst's
// start to the last event. Prints one JSON line.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  SCHEMA_VERSION,
  SYNC_NAMESPACE,
  SYNC_SOCKET_PATH,
} from '../contract/sync/protocol';

type Info = {
  port: number;
  orgs: { organizationId: string; users: { userId: string; token: string }[] }[];
};
const mode = process.env.MODE === 'raw' ? 'raw' : 'parley';
const info = JSON.parse(readFileSync(process.env.SERVER_INFO_FILE!, 'utf8')) as Info;
const BURST_MS = Number(process.env.BURST_MS ?? 5_000);
const base = `http://127.0.0.1:${info.port}`;

let events = 0;
let last = 0;
const sockets: { close: () => void }[] = [];
let connected: Promise<void>[] = [];

for (const org of info.orgs)
  for (const user of org.users) {
    // Connect in waves, so 1,000 handshakes do not all time out together on a busy box.
    if (connected.length >= 50) {
      await Promise.all(connected);
      connected = [];
    }
    if (mode === 'raw') {
      const ws = new WebSocket(`ws://127.0.0.1:${info.port}/?room=${org.organizationId}`);
      ws.on('message', (data: Buffer) => {
        const packet = JSON.parse(data.toString()) as { changes: { e: string }[] };
        for (const c of packet.changes) if (c.e === 'message') events += 1;
        last = performance.now();
      });
      connected.push(
        new Promise((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))),
      );
      sockets.push({ close: () => ws.close() });
    } else {
      const s: Socket = io(`${base}${SYNC_NAMESPACE}`, {
        path: SYNC_SOCKET_PATH,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 120_000,
        auth: {
          token: user.token,
          organizationId: org.organizationId,
          replicaId: 'bench',
          clientId: randomUUID(),
          protocol: PROTOCOL_VERSION,
          schema: SCHEMA_VERSION,
          cursor: 0,
          lastMutationId: 0,
        },
      });
      s.on('sync:changes', (packet: { changes: { e: string }[] }) => {
        for (const c of packet.changes) if (c.e === 'message') events += 1;
        last = performance.now();
      });
      connected.push(
        new Promise(
          (resolve, reject) => (s.once('sync:hello', () => resolve()), s.once('connect_error', reject)),
        ),
      );
      sockets.push({ close: () => s.disconnect() });
    }
  }
await Promise.all(connected);
await new Promise((r) => setTimeout(r, 500));
events = 0;
const start = performance.now();
const res = await fetch(`${base}/__bench/burst`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ms: BURST_MS, batch: Number(process.env.BATCH ?? 5) }),
});
const { committed } = (await res.json()) as { committed: number };
// Drain: until nothing arrived for half a second.
for (;;) {
  const before = events;
  await new Promise((r) => setTimeout(r, 500));
  if (events === before) break;
}
const seconds = (last - start) / 1000;
const members = info.orgs.reduce((n, o) => n + o.users.length, 0);
for (const s of sockets) s.close();
console.log(
  JSON.stringify({
    mode,
    eventsPerS: events / seconds,
    events,
    expected: (committed * members) / info.orgs.length,
    committed,
    seconds,
    sockets: members,
  }),
);
process.exit(0);
