import type {
  BootstrapLine,
  BootstrapQuery,
  HandshakeAuth,
  Hello,
  HistoryQuery,
  HistoryResponse,
  LivePacket,
  PullQuery,
  PullResponse,
  PushAck,
  PushFrame,
} from '#contract/sync/protocol';
import { TransportError, type SyncTransport, type TransportEvents } from '../sync/transport';

/**
 * A transport the test drives by hand: it records what the engine asks for and answers with
 * the handlers the test sets. Requests resolve on the next microtask turns (no real I/O).
 */
export interface ScriptedTransport extends SyncTransport {
  /** The last handshake and its event sink. */
  auth: HandshakeAuth | null;
  events: TransportEvents | null;
  connects: number;
  pulls: PullQuery[];
  pushes: PushFrame[];
  bootstraps: BootstrapQuery[];
  histories: HistoryQuery[];
  /** Answers; the defaults are "nothing new". */
  onPull: (q: PullQuery) => PullResponse | Promise<PullResponse>;
  onPush: (f: PushFrame) => PushAck | Promise<PushAck>;
  onBootstrap: (q: BootstrapQuery) => BootstrapLine[];
  onHistory: (q: HistoryQuery) => HistoryResponse | null;
  /** Server-side helpers. */
  hello(h?: Partial<Hello>): void;
  live(p: LivePacket): void;
  drop(reason?: string): void;
}

/** The user every scripted hello names. */
export const SCRIPTED_USER = '0190a4b2-0000-7000-8000-0000000000aa';

/** Creates a scripted transport. */
export function createScriptedTransport(): ScriptedTransport {
  let connected = false;
  const t: ScriptedTransport = {
    auth: null,
    events: null,
    connects: 0,
    pulls: [],
    pushes: [],
    bootstraps: [],
    histories: [],
    onPull: (q) => ({
      changes: [],
      nextCursor: q.cursor,
      hasMore: false,
      tenantSeq: q.cursor,
      lmid: q.lmid,
      mutationResults: [],
    }),
    onPush: (f) => ({
      ok: true,
      lmid: f.mutations.at(-1)!.mutationId,
      seq: 0,
      results: f.mutations.map((m) => ({ mid: m.mutationId, status: 'applied' as const, seq: 0 })),
    }),
    onBootstrap: () => [{ snapshotSeq: 0, counts: {} }],
    onHistory: () => null,
    connect(auth, events) {
      t.auth = auth;
      t.events = events;
      t.connects += 1;
    },
    disconnect() {
      connected = false;
      t.events = null;
    },
    async push(frame, _timeoutMs) {
      if (!connected) throw new TransportError('closed', 'Not connected.');
      t.pushes.push(frame);
      return t.onPush(frame);
    },
    renewAuth: async () => ({ ok: true }),
    report: () => undefined,
    presence: () => connected,
    async pull(q) {
      t.pulls.push(q);
      return t.onPull(q);
    },
    async bootstrap(q, _token, onLines) {
      t.bootstraps.push(q);
      const lines = t.onBootstrap(q);
      for (let i = 0; i < lines.length; i += 2) onLines(lines.slice(i, i + 2));
    },
    async history(q) {
      t.histories.push(q);
      return t.onHistory(q);
    },
    media: async () => ({ bytes: new Uint8Array([1, 2, 3]), mimeType: 'image/png' }),
    hello(h = {}) {
      connected = true;
      t.events?.hello({
        tenantSeq: 0,
        floorSeq: 0,
        schemaRange: { min: 1, max: 1 },
        protocol: 1,
        serverTime: new Date(0).toISOString(),
        userId: SCRIPTED_USER,
        ...h,
      });
    },
    live(p) {
      t.events?.changes(p);
    },
    drop(reason = 'transport close') {
      connected = false;
      const e = t.events;
      t.events = null;
      e?.disconnected(reason);
    },
  };
  return t;
}
