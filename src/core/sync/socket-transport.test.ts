import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HandshakeAuth,
  PushFrame,
  SYNC_ENDPOINTS,
  SYNC_NAMESPACE,
  type ClientToServerEvents,
  type HandshakeRejection,
  type Hello,
  type LivePacket,
  type ServerToClientEvents,
} from '#contract/sync/protocol';
import type { Logger } from '../deps';
import { conversationRow, put, uuid } from '../testing/replica-fixtures';
import { createSocketTransport } from './socket-transport';
import { TransportError, type TransportEvents } from './transport';

// The real transport against a real Socket.IO server and HTTP endpoints speaking the contract:
// what the server engineer's gateway must accept and answer, in miniature.

let http: HttpServer;
let io: Server<ClientToServerEvents, ServerToClientEvents>;
let url: string;
const warnings: string[] = [];
const logger: Logger = {
  debug() {},
  info() {},
  warn: (m) => void warnings.push(m),
  error: (m) => void warnings.push(m),
};
const auth: HandshakeAuth = {
  token: 'good',
  organizationId: uuid(1),
  replicaId: 'replica',
  clientId: uuid(2),
  protocol: 1,
  schema: 1,
  cursor: 0,
  lastMutationId: 0,
};
const hello: Hello = {
  tenantSeq: 5,
  floorSeq: 0,
  schemaRange: { min: 1, max: 1 },
  protocol: 1,
  serverTime: new Date().toISOString(),
  userId: uuid(3),
};

beforeAll(async () => {
  http = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== 'Bearer good') return void res.writeHead(401).end('{}');
    if (u.pathname === SYNC_ENDPOINTS.pull) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          changes: [],
          nextCursor: Number(u.searchParams.get('cursor')) + 3,
          hasMore: false,
          tenantSeq: 8,
          lmid: 0,
          mutationResults: [],
        }),
      );
    }
    if (u.pathname === SYNC_ENDPOINTS.bootstrap) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      // Lines split across writes, to exercise the streaming parser.
      const lines = Array.from({ length: 1_500 }, (_, i) =>
        JSON.stringify(put.conversation(conversationRow(uuid(10 + i)), 4)),
      );
      const body = `${lines.join('\n')}\n${JSON.stringify({ snapshotSeq: 4, counts: { conversation: 1_500 } })}\n`;
      for (let i = 0; i < body.length; i += 7_777) res.write(body.slice(i, i + 7_777));
      return void res.end();
    }
    if (u.pathname === SYNC_ENDPOINTS.history)
      return void res.writeHead(404).end('{"error":{"code":"not_found","message":"x"}}');
    res.writeHead(404).end();
  });
  io = new Server(http, { transports: ['websocket'] });
  const ns = io.of(SYNC_NAMESPACE);
  ns.use((socket, next) => {
    const a = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!a.success || a.data.token !== 'good') {
      const data: HandshakeRejection = { code: 'unauthorized', message: 'Bad token.' };
      return next(Object.assign(new Error('unauthorized'), { data }));
    }
    next();
  });
  ns.on('connection', (socket) => {
    socket.emit('sync:hello', hello);
    socket.on('sync:push', (raw, ack) => {
      const frame = PushFrame.safeParse(raw);
      if (!frame.success)
        return ack({ ok: false, error: { code: 'bad_frame', message: 'x', retryable: false } });
      const last = frame.data.mutations.at(-1)!.mutationId;
      ack({
        ok: true,
        lmid: last,
        seq: 9,
        results: frame.data.mutations.map((m) => ({ mid: m.mutationId, status: 'applied', seq: 9 })),
      });
      // A frame that does not parse, then a good packet.
      (socket as unknown as { emit(e: string, v: unknown): void }).emit('sync:changes', { prev: 'x' });
      const packet: LivePacket = { prev: 5, seq: 9, changes: [], tenantSeq: 9 };
      socket.emit('sync:changes', packet);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await io.close();
});

/** Collects what a transport reports. */
function sink() {
  const got: {
    hello: Hello[];
    packets: LivePacket[];
    failed: (HandshakeRejection | null)[];
    closed: string[];
  } = {
    hello: [],
    packets: [],
    failed: [],
    closed: [],
  };
  const events: TransportEvents = {
    hello: (h) => got.hello.push(h),
    changes: (p) => got.packets.push(p),
    tick: () => undefined,
    updateRequired: () => undefined,
    viewing: () => undefined,
    typing: () => undefined,
    disconnected: (r) => got.closed.push(r),
    connectFailed: (r) => got.failed.push(r),
  };
  return { got, events };
}
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('the Socket.IO + fetch transport', () => {
  it('handshakes over WebSocket, pushes with an ack, and drops a frame that does not parse', async () => {
    const t = createSocketTransport({ serverUrl: url, fetch, logger });
    const { got, events } = sink();
    t.connect(auth, events);
    await until(() => got.hello.length === 1);
    expect(got.hello[0]).toEqual(hello);
    const ack = await t.push(
      {
        mutations: [
          {
            clientId: auth.clientId,
            mutationId: 1,
            name: 'conversation.claim',
            args: { conversationId: uuid(4) },
            createdAt: 'x',
            mutatorVersion: 1,
          },
        ],
      },
      2_000,
    );
    expect(ack).toEqual({ ok: true, lmid: 1, seq: 9, results: [{ mid: 1, status: 'applied', seq: 9 }] });
    await until(() => got.packets.length === 1);
    expect(got.packets[0]).toMatchObject({ prev: 5, seq: 9 });
    expect(warnings.join()).toContain('does not parse');
    t.disconnect();
    await expect(t.push({ mutations: [] } as never, 100)).rejects.toBeInstanceOf(TransportError);
  });

  it('reports a refused handshake with its parsed reason', async () => {
    const t = createSocketTransport({ serverUrl: url, fetch, logger });
    const { got, events } = sink();
    t.connect({ ...auth, token: 'bad' }, events);
    await until(() => got.failed.length === 1);
    expect(got.failed[0]).toEqual({ code: 'unauthorized', message: 'Bad token.' });
    t.disconnect();
  });

  it('pulls, streams a bootstrap in chunks, maps 404 and 401', async () => {
    const t = createSocketTransport({ serverUrl: url, fetch, logger });
    expect(await t.pull({ cursor: 2, limit: 10, clientId: auth.clientId, lmid: 0 }, 'good')).toMatchObject({
      nextCursor: 5,
    });
    const chunks: number[] = [];
    await t.bootstrap({ phase: 1 }, 'good', (lines) => chunks.push(lines.length));
    expect(chunks).toEqual([1_000, 501]);
    expect(await t.history({ conversationId: uuid(4), limit: 50 }, 'good')).toBeNull();
    await expect(
      t.pull({ cursor: 0, limit: 10, clientId: auth.clientId, lmid: 0 }, 'stale'),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });
});
