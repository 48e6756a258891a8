import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { eventNames, STAGE_MEDIA_MAX_BYTES, type CoreApi } from '#contract/ipc/contract';
import { dispatch } from '../../src/core/dispatch';
import { BRIDGE_SOCKET_PATH } from './bridge-script';

/** A call from the page: the socket is a trust boundary, so its frames are parsed. */
const CallFrame = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string(),
  input: z.unknown().optional(),
});

/** Turns the bridge script's `{"$bytes": base64}` back into bytes (IPC carries a Uint8Array). */
export function reviveBytes(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const b64 = (value as { $bytes?: unknown }).$bytes;
    if (keys.length === 1 && typeof b64 === 'string') return new Uint8Array(Buffer.from(b64, 'base64'));
  }
  return value;
}

/**
 * Serves the bridge WebSocket on `server` at /bridge, for pages of `origin` only: each call
 * frame goes through the core's `dispatch` (what the Electron main process does for IPC), and
 * every core event goes to every connected page. Returns a function that detaches it.
 */
export function attachBridge(server: Server, core: CoreApi, origin: () => string): () => Promise<void> {
  // Large enough for the biggest file media:stage takes, base64-encoded.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Math.ceil((STAGE_MEDIA_MAX_BYTES * 4) / 3) + 64 * 1024,
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://harness').pathname;
    // Another site open in the same browser must not drive the core: same origin only.
    if (path !== BRIDGE_SOCKET_PATH || req.headers.origin !== origin()) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  // The same dispatch as the Electron main process and the core host: contract channels only,
  // input parsed with the channel's schema, a throwing handler answers `internal`.
  const logThrow = (channel: string, e: unknown) => console.error(`harness: ${channel} threw`, e);
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data) => {
      let frame: z.infer<typeof CallFrame>;
      try {
        const parsed = CallFrame.safeParse(JSON.parse(String(data), reviveBytes));
        if (!parsed.success) return;
        frame = parsed.data;
      } catch {
        return;
      }
      void dispatch(core.handlers, frame.channel, frame.input, logThrow).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id: frame.id, result }));
      });
    });
  });

  const unsubscribes = eventNames.map((event) =>
    core.on(event, (payload) => {
      const message = JSON.stringify({ type: 'event', event, payload });
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(message);
    }),
  );

  return async () => {
    server.off('upgrade', onUpgrade);
    for (const unsubscribe of unsubscribes) unsubscribe();
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((done) => wss.close(() => done()));
  };
}
