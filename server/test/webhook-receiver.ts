import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One POST the receiver got. */
export type Received = { path: string; headers: IncomingHttpHeaders; body: string; at: number };

/** A small local HTTP receiver of outgoing webhooks for tests and benchmarks. */
export type WebhookReceiver = {
  url: string;
  received: Received[];
  /** The status of the next answers: a function of the request's index (default 200). */
  respond: (fn: (index: number, r: Received) => number) => void;
  /**
   * Holds every answer (requests are recorded on arrival) until the returned release is called:
   * a benchmark builds a backlog, then measures how fast it drains.
   */
  hold: () => () => void;
  /** Verifies every delivery so far with `standardwebhooks` (throws on the first bad one). */
  verifyAll: (secret: string) => { type: string; data: Record<string, unknown> }[];
  /** Waits until `check` holds over what was received (fails after `ms`). */
  until: (check: (r: Received[]) => boolean, ms?: number) => Promise<void>;
  close: () => Promise<void>;
};

/** Verifies one delivery with the reference library, as a receiver would. */
export function verifyDelivery(secret: string, r: Received): { type: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }) as { type: string; data: Record<string, unknown> };
}

/** Starts a receiver on 127.0.0.1 port 0. */
export async function startWebhookReceiver(path = '/hook'): Promise<WebhookReceiver> {
  const received: Received[] = [];
  let status: (index: number, r: Received) => number = () => 200;
  let gate: Promise<void> | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      const index = received.length;
      received.push(r);
      const answer = () => {
        res.statusCode = status(index, r);
        res.end('ok');
      };
      if (gate) void gate.then(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respond: (fn) => {
      status = fn;
    },
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
    verifyAll: (secret) => received.map((r) => verifyDelivery(secret, r)),
    until: async (check, ms = 10_000) => {
      const deadline = Date.now() + ms;
      while (!check(received)) {
        if (Date.now() > deadline)
          throw new Error(`receiver condition not reached (${received.length} received)`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
