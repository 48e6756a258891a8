import { createServer, connect, type Socket } from 'node:net';

/**
 * A TCP proxy that can cut every connection: in front of the server to take a client offline, or
 * in front of Redis or PostgreSQL to stage an outage for one process.
 */
export interface ToggleProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** false: existing connections are destroyed and new ones refused at once; true: forwarding again. */
  setOnline(online: boolean): void;
  close(): Promise<void>;
}

/**
 * Forwards 127.0.0.1:<free port> to `targetUrl` byte for byte (HTTP and the sync WebSocket
 * alike). Offline, the client sees what a dropped network looks like: reset connections.
 */
export async function startToggleProxy(targetUrl: string): Promise<ToggleProxy> {
  const target = new URL(targetUrl);
  let online = true;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (!online) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    setOnline(next) {
      online = next;
      if (!next) for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
