import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  AuthRenewalAck,
  BootstrapLine,
  HandshakeRejection,
  Hello,
  HistoryResponse,
  LivePacket,
  PresenceTyping,
  PresenceViewing,
  PullResponse,
  PushAck,
  SYNC_ENDPOINTS,
  SYNC_NAMESPACE,
  SYNC_SOCKET_PATH,
  Tick,
  UpdateRequired,
  type BootstrapQuery,
  type ClientToServerEvents,
  type HistoryQuery,
  type PullQuery,
  type ServerToClientEvents,
} from '#contract/sync/protocol';
import type { HttpFetch, Logger } from '../deps';
import { TransportError, type SyncTransport, type TransportEvents } from './transport';

/** How long an HTTP sync request may take (a bootstrap stream gets longer). */
const REQUEST_TIMEOUT_MS = 30_000;
const BOOTSTRAP_TIMEOUT_MS = 10 * 60_000;
/** Bootstrap lines handed to the engine per transaction. */
const CHUNK_LINES = 1_000;

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The real transport: Socket.IO over WebSocket only (no long-polling, so no sticky sessions
 * and no upgrade round trips; Socket.IO's own reconnection and connection-state recovery are
 * off, the engine reconnects and the cursor pull replaces recovery) plus the HTTP sync
 * endpoints through the injected fetch. Every received frame is parsed with the protocol schema;
 * a frame that does not parse is dropped and logged (a dropped live packet becomes a gap, which
 * the engine repairs with a pull).
 */
export function createSocketTransport(deps: {
  serverUrl: string;
  fetch: HttpFetch;
  logger: Logger;
  /** For tests: a different socket factory. */
  connectSocket?: typeof io;
}): SyncTransport {
  const base = deps.serverUrl.replace(/\/+$/, '');
  let socket: ClientSocket | null = null;
  const pending = new Set<(e: TransportError) => void>();

  const failPending = (why: string): void => {
    for (const reject of pending) reject(new TransportError('closed', why));
    pending.clear();
  };

  /** Registers a parsed handler for a server event. */
  const on = <T>(
    s: ClientSocket,
    event: keyof ServerToClientEvents,
    schema: z.ZodType<T>,
    fn: (v: T) => void,
  ) => {
    (s as unknown as Socket).on(event, (raw: unknown) => {
      const parsed = schema.safeParse(raw);
      if (parsed.success) fn(parsed.data);
      else
        deps.logger.warn('sync: dropped a frame that does not parse', {
          event,
          issues: parsed.error.issues.length,
        });
    });
  };

  const ack = <T>(
    event: 'sync:push' | 'sync:auth',
    frame: unknown,
    schema: z.ZodType<T>,
    timeoutMs: number,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const s = socket;
      if (!s?.connected) {
        reject(new TransportError('closed', 'Not connected.'));
        return;
      }
      pending.add(reject);
      (s as unknown as Socket).timeout(timeoutMs).emit(event, frame, (err: Error | null, raw: unknown) => {
        if (!pending.delete(reject)) return;
        if (err) {
          reject(new TransportError('timeout', `No answer to ${event} within ${timeoutMs} ms.`));
          return;
        }
        const parsed = schema.safeParse(raw);
        if (parsed.success) resolve(parsed.data);
        else reject(new TransportError('bad_response', `The ${event} ack does not parse.`));
      });
    });

  /** A GET with the bearer token; maps failures to TransportErrors. */
  const get = async (path: string, query: Record<string, unknown>, token: string, timeoutMs: number) => {
    const qs = new URLSearchParams(
      Object.entries(query)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]): [string, string] => [k, String(v)]),
    );
    let res: Response;
    try {
      res = await deps.fetch(`${base}${path}${qs.size ? `?${qs}` : ''}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json, application/x-ndjson' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new TransportError(
        e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'network',
        'The server is not reachable.',
      );
    }
    if (res.status === 401) throw new TransportError('unauthorized', 'The server refused the access token.');
    return res;
  };

  const json = async <T>(res: Response, schema: z.ZodType<T>): Promise<T> => {
    if (!res.ok) throw new TransportError('server', `The server answered ${res.status}.`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new TransportError('bad_response', 'The server sent something that is not JSON.');
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new TransportError('bad_response', 'The server sent a response that does not parse.');
    return parsed.data;
  };

  return {
    connect(auth, events: TransportEvents) {
      this.disconnect();
      const connectSocket = deps.connectSocket ?? io;
      const s = connectSocket(`${base}${SYNC_NAMESPACE}`, {
        path: SYNC_SOCKET_PATH,
        transports: ['websocket'],
        auth,
        reconnection: false,
        timeout: 10_000,
        forceNew: true,
      }) as ClientSocket;
      socket = s;
      on(s, 'sync:hello', Hello, events.hello);
      on(s, 'sync:changes', LivePacket, events.changes);
      on(s, 'sync:tick', Tick, events.tick);
      on(s, 'sync:update_required', UpdateRequired, events.updateRequired);
      on(s, 'presence:viewing', PresenceViewing, events.viewing);
      on(s, 'presence:typing', PresenceTyping, events.typing);
      s.on('disconnect', (reason) => {
        if (socket !== s) return;
        failPending('The connection closed.');
        events.disconnected(String(reason));
      });
      s.on('connect_error', (e: Error & { data?: unknown }) => {
        if (socket !== s) return;
        const rejection = HandshakeRejection.safeParse(e.data);
        events.connectFailed(rejection.success ? rejection.data : null, e.message);
      });
    },

    disconnect() {
      const s = socket;
      socket = null;
      failPending('Disconnected.');
      if (s) {
        s.removeAllListeners();
        s.disconnect();
      }
    },

    push: (frame, timeoutMs) => ack('sync:push', frame, PushAck, timeoutMs),
    renewAuth: (token, timeoutMs) => ack('sync:auth', { token }, AuthRenewalAck, timeoutMs),

    report(r) {
      if (socket?.connected) socket.emit('sync:report', r);
    },

    presence(viewing, typing) {
      if (!socket?.connected) return false;
      socket.emit('presence:viewing', viewing);
      if (typing) socket.emit('presence:typing', typing);
      return true;
    },

    async pull(q: PullQuery, token) {
      return json(await get(SYNC_ENDPOINTS.pull, q, token, REQUEST_TIMEOUT_MS), PullResponse);
    },

    async bootstrap(q: BootstrapQuery, token, onLines) {
      const res = await get(SYNC_ENDPOINTS.bootstrap, q, token, BOOTSTRAP_TIMEOUT_MS);
      if (!res.ok || !res.body) throw new TransportError('server', `The server answered ${res.status}.`);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let rest = '';
      let chunk: z.infer<typeof BootstrapLine>[] = [];
      const take = (line: string): void => {
        if (!line.trim()) return;
        let raw: unknown;
        try {
          raw = JSON.parse(line);
        } catch {
          throw new TransportError('bad_response', 'A bootstrap line is not JSON.');
        }
        const parsed = BootstrapLine.safeParse(raw);
        if (!parsed.success) throw new TransportError('bad_response', 'A bootstrap line does not parse.');
        chunk.push(parsed.data);
        if (chunk.length >= CHUNK_LINES) {
          onLines(chunk);
          chunk = [];
        }
      };
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          rest += decoder.decode(value, { stream: true });
          const lines = rest.split('\n');
          rest = lines.pop() ?? '';
          for (const l of lines) take(l);
        }
      } catch (e) {
        if (e instanceof TransportError) throw e;
        throw new TransportError('network', 'The bootstrap stream was cut.');
      } finally {
        reader.releaseLock();
      }
      take(rest + decoder.decode());
      if (chunk.length) onLines(chunk);
    },

    async history(q: HistoryQuery, token) {
      const res = await get(SYNC_ENDPOINTS.history, q, token, REQUEST_TIMEOUT_MS);
      if (res.status === 404) return null;
      return json(res, HistoryResponse);
    },

    async media(mediaId, token) {
      const res = await get(`/api/v1/media/${encodeURIComponent(mediaId)}`, {}, token, REQUEST_TIMEOUT_MS);
      if (!res.ok) throw new TransportError('server', `The server answered ${res.status}.`);
      return {
        bytes: new Uint8Array(await res.arrayBuffer()),
        mimeType: res.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
  };
}
