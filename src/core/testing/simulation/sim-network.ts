import type { z } from 'zod';
import {
  BootstrapLine,
  Hello,
  HistoryResponse,
  LivePacket,
  PullResponse,
  PushAck,
  Tick,
  type HandshakeAuth,
  type HandshakeRejection,
} from '#contract/sync/protocol';
import { TransportError, type SyncTransport, type TransportEvents } from '../../sync/transport';
import type { ModelServer, ServerSocket } from './model-server';
import type { VirtualClock } from '../virtual-time';

/**
 * The simulated network between the model server and the clients: every frame and HTTP
 * exchange is a timer on the virtual clock with a random delay (so frames reorder), and may be
 * dropped or duplicated; a client can be partitioned inbound-only, outbound-only or both.
 * Frames are serialized and parsed with the protocol's schemas on arrival, as the real
 * transport does, so the simulation also exercises the contract.
 */

/** Fault levels, changed by the simulation's commands. */
export interface Faults {
  /** Probability that one frame or HTTP exchange is lost. */
  drop: number;
  /** Probability that a server → client socket frame arrives twice. */
  dup: number;
  /** Delays are uniform in [1, maxDelayMs]. */
  maxDelayMs: number;
  /** HTTP responses (pull, bootstrap, history) take up to this long: stale snapshots land late. */
  httpDelayMs: number;
}

/** The shared medium. */
export class SimNetwork {
  faults: Faults = { drop: 0, dup: 0, maxDelayMs: 40, httpDelayMs: 40 };
  private blocked = new Map<string, { in: boolean; out: boolean }>();

  constructor(
    readonly clock: VirtualClock,
    private readonly random: () => number,
  ) {}

  /** Partitions a client: `in` blocks server → client, `out` client → server. */
  partition(client: string, p: { in: boolean; out: boolean }): void {
    this.blocked.set(client, p);
  }

  /** Heals every partition and fault. */
  heal(): void {
    this.blocked.clear();
    this.faults = { drop: 0, dup: 0, maxDelayMs: 40, httpDelayMs: 40 };
  }

  /** Sends `fn` across the network in direction `dir` for `client`. Returns false when lost at once. */
  send(
    client: string,
    dir: 'in' | 'out',
    fn: () => void,
    opts: { duplicable?: boolean; http?: boolean } = {},
  ): void {
    const delay = () =>
      1 + Math.floor(this.random() * (opts.http ? this.faults.httpDelayMs : this.faults.maxDelayMs));
    const lost = () => this.blocked.get(client)?.[dir] === true || this.random() < this.faults.drop;
    if (lost()) return;
    this.clock.setTimeout(() => {
      // A partition that started while the frame was in flight loses it too.
      if (this.blocked.get(client)?.[dir]) return;
      fn();
    }, delay());
    if (opts.duplicable && this.random() < this.faults.dup) this.clock.setTimeout(fn, delay() * 2);
  }
}

/** Round-trips a value through JSON and a schema, as a real wire would. */
const wire = <T>(schema: z.ZodType<T>, v: unknown): T => schema.parse(JSON.parse(JSON.stringify(v)));

/** HTTP timeout inside the simulation. */
const HTTP_TIMEOUT_MS = 5_000;
/** How long the socket handshake may take. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Bootstrap lines per chunk handed to the engine. */
const CHUNK = 7;

/**
 * One client process's transport. `dead()` models the process being killed: nothing more is
 * delivered to it, and the server notices its socket closing.
 */
export function createSimTransport(
  net: SimNetwork,
  server: ModelServer,
  client: string,
  userId: string,
): SyncTransport & { dead(): void } {
  let alive = true;
  let socket: { open: boolean; server: ServerSocket | null; events: TransportEvents; timer: unknown } | null =
    null;
  const pending = new Map<number, { reject: (e: TransportError) => void; timer: unknown }>();
  let nextReq = 1;

  const toClient = (fn: () => void, duplicable = false, http = false) =>
    net.send(
      client,
      'in',
      () => {
        if (alive) fn();
      },
      { duplicable, http },
    );
  const toServer = (fn: () => void) => net.send(client, 'out', fn);

  const closeLocal = (reason: string): void => {
    for (const p of pending.values()) {
      net.clock.clearTimeout(p.timer);
      p.reject(new TransportError('closed', reason));
    }
    pending.clear();
  };

  /** An HTTP exchange: request across, served at arrival, response across; timeout if lost. */
  const http = <T>(serve: () => T, schema: z.ZodType<T> | null): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = net.clock.setTimeout(
        () => reject(new TransportError('timeout', 'No HTTP answer.')),
        HTTP_TIMEOUT_MS,
      );
      toServer(() => {
        if (server.isDown()) {
          toClient(() => {
            net.clock.clearTimeout(timer);
            reject(new TransportError('network', 'Connection refused.'));
          });
          return;
        }
        const res = serve();
        toClient(
          () => {
            net.clock.clearTimeout(timer);
            try {
              resolve(schema ? wire(schema, res) : res);
            } catch (e) {
              reject(new TransportError('bad_response', String(e)));
            }
          },
          false,
          true,
        );
      });
    });

  return {
    connect(auth: HandshakeAuth, events: TransportEvents) {
      this.disconnect();
      const s = { open: false, server: null as ServerSocket | null, events, timer: null as unknown };
      socket = s;
      s.timer = net.clock.setTimeout(() => {
        if (socket === s && !s.open) {
          socket = null;
          events.connectFailed(null, 'Connection timed out.');
        }
      }, CONNECT_TIMEOUT_MS);
      toServer(() => {
        if (server.isDown()) {
          toClient(() => {
            if (socket !== s) return;
            net.clock.clearTimeout(s.timer);
            socket = null;
            events.connectFailed(null, 'Connection refused.');
          });
          return;
        }
        const r = server.handshake(auth, (id, uid, clientId) => ({
          id,
          userId: uid,
          clientId,
          send: (event, payload) =>
            toClient(() => {
              if (socket !== s) {
                // The client gave up on this socket before the server accepted it.
                if (event === 'sync:hello') toServer(() => server.socketClosed(id));
                return;
              }
              if (event === 'sync:hello') {
                // The socket is open once the client hears the hello.
                s.open = true;
                net.clock.clearTimeout(s.timer);
                s.events.hello(wire(Hello, payload));
              } else if (!s.open) {
                return; // a frame overtaking the hello is lost (the engine pulls)
              } else if (event === 'sync:changes') s.events.changes(wire(LivePacket, payload));
              else s.events.tick(wire(Tick, payload));
            }, event !== 'sync:hello'),
          close: (reason) =>
            toClient(() => {
              if (socket !== s) return;
              socket = null;
              s.open = false;
              closeLocal(reason);
              s.events.disconnected(reason);
            }),
        }));
        if ('code' in r) {
          const rejection: HandshakeRejection = r;
          toClient(() => {
            if (socket !== s) return;
            net.clock.clearTimeout(s.timer);
            socket = null;
            s.events.connectFailed(rejection, rejection.message);
          });
          return;
        }
        s.server = r;
      });
    },

    disconnect() {
      const s = socket;
      socket = null;
      if (!s) return;
      s.open = false;
      net.clock.clearTimeout(s.timer);
      closeLocal('Disconnected.');
      const sid = s.server?.id;
      if (sid !== undefined) toServer(() => server.socketClosed(sid));
    },

    push(frame, timeoutMs) {
      return new Promise<PushAck>((resolve, reject) => {
        const s = socket;
        if (!s?.open || !s.server) {
          reject(new TransportError('closed', 'Not connected.'));
          return;
        }
        const id = nextReq++;
        const timer = net.clock.setTimeout(() => {
          pending.delete(id);
          reject(new TransportError('timeout', 'No ack.'));
        }, timeoutMs);
        pending.set(id, { reject, timer });
        const sock = s.server;
        const body = JSON.parse(JSON.stringify(frame)) as typeof frame;
        toServer(() => {
          if (server.isDown()) return;
          const ack = server.push(sock.userId, sock.clientId, body);
          toClient(() => {
            const p = pending.get(id);
            if (!p) return;
            pending.delete(id);
            net.clock.clearTimeout(p.timer);
            resolve(wire(PushAck, ack));
          });
        });
      });
    },

    renewAuth: () => Promise.resolve({ ok: true }),
    report: () => undefined,
    presence: () => socket?.open ?? false,

    pull: (q) => http(() => server.pull(userId, q), PullResponse),

    async bootstrap(q, _token, onLines) {
      const lines = await http(() => server.bootstrap(userId, q), null);
      const parsed = lines.map((l) => wire(BootstrapLine, l));
      for (let i = 0; i < parsed.length; i += CHUNK) onLines(parsed.slice(i, i + CHUNK));
    },

    history: (q) =>
      http(() => server.history(userId, q), null).then((r) => (r === null ? null : wire(HistoryResponse, r))),

    media: () => Promise.reject(new TransportError('server', 'No media in the simulation.')),

    dead() {
      alive = false;
      const s = socket;
      socket = null;
      closeLocal('Killed.');
      const sid = s?.server?.id;
      // The OS resets a killed process's connections: the server notices.
      if (sid !== undefined) net.send(client, 'out', () => server.socketClosed(sid));
    },
  };
}
