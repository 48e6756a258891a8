// The raw baseline of the fanout benchmark: a bare `ws` server with the same topology as the
// Parley run (ORGS rooms of MEMBERS sockets, a client joins the room named in its URL) that
// broadcasts message events to a room's sockets as fast as the sockets drain — no database, no
// authentication, no routing, no Socket.IO framing. Events go in the same grouping as Parley's
// (its tailer sends one packet per member per committed batch): one WebSocket frame holds
// `{changes: [...]}` with `batch` message changes shaped like Parley's (same JSON size).
// `POST /__bench/burst {ms, batch}` runs for `ms` and answers how many events it broadcast.
// Prints {"port"} once listening.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();
const http = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/__bench/burst') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const { ms = 5_000, batch = 1 } = (body ? JSON.parse(body) : {}) as { ms?: number; batch?: number };
    void burst(ms, batch).then((sent) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ committed: sent }));
    });
  });
});
const wss = new WebSocketServer({ server: http });
wss.on('connection', (socket, req) => {
  const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? 'none';
  let set = rooms.get(room);
  if (!set) rooms.set(room, (set = new Set()));
  set.add(socket);
  socket.on('close', () => set.delete(socket));
});

/** One event like Parley's message put (the same fields and about the same bytes). */
const event = (conversationId: string, seq: number) =>
  JSON.stringify({
    e: 'message',
    id: randomUUID(),
    v: seq,
    op: 'put',
    row: {
      id: randomUUID(),
      conversationId,
      convSeq: seq,
      direction: 'inbound',
      type: 'text',
      text: `Hello, I ordered the blue jacket last week and it has not arrived yet (${seq}).`,
      caption: null,
      media: null,
      location: null,
      contacts: null,
      interactive: null,
      reaction: null,
      template: null,
      extra: null,
      replyToMessageId: null,
      forwarded: false,
      frequentlyForwarded: false,
      status: 'delivered',
      error: null,
      waMessageId: null,
      authorId: null,
      createdAt: new Date().toISOString(),
      statusAt: null,
    },
  });

/** Broadcasts round-robin over the rooms for `ms`, yielding whenever a socket's buffer fills. */
async function burst(ms: number, batch: number): Promise<number> {
  const deadline = Date.now() + ms;
  const list = [...rooms.entries()];
  const convs = new Map(list.map(([room]) => [room, randomUUID()]));
  let sent = 0;
  let i = 0;
  while (Date.now() < deadline) {
    for (let k = 0; k < 50; k += batch) {
      const [room, sockets] = list[i++ % list.length]!;
      const changes = Array.from({ length: batch }, (_, j) => event(convs.get(room)!, sent + j));
      const frame = `{"changes":[${changes.join(',')}]}`;
      for (const s of sockets) s.send(frame);
      sent += batch;
    }
    // Backpressure: let the sockets drain before producing more.
    while ([...wss.clients].some((c) => c.bufferedAmount > 256 * 1024))
      await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setImmediate(r));
  }
  return sent;
}

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => {
  wss.close();
  http.close(() => process.exit(0));
});
