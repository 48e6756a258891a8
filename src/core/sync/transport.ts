import type {
  AuthRenewalAck,
  BootstrapLine,
  BootstrapQuery,
  ClientReport,
  HandshakeAuth,
  HandshakeRejection,
  Hello,
  HistoryQuery,
  HistoryResponse,
  LivePacket,
  PresenceTyping,
  PresenceViewing,
  PullQuery,
  PullResponse,
  PushAck,
  PushFrame,
  Tick,
  TypingFrame,
  UpdateRequired,
  ViewingFrame,
} from '#contract/sync/protocol';

/**
 * The engine's view of the network: one socket (handshake, live packets, push with ack,
 * presence) and the HTTP sync endpoints (pull, bootstrap, history, media). The Socket.IO + fetch
 * implementation is `socket-transport.ts`; the simulation (`testing/simulation/`) implements it over a
 * seeded virtual network. Implementations parse every frame they receive with the protocol's
 * zod schemas, so the engine only ever sees valid frames. Reconnection is the engine's job: a
 * transport connects once per `connect` call.
 */

/** Why a request failed. `unauthorized`: refresh the token and retry once. */
export type TransportErrorCode =
  'network' | 'timeout' | 'unauthorized' | 'server' | 'bad_response' | 'closed';

/** A failed request or socket call. */
export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** What the socket reports; every callback gets a parsed frame. */
export interface TransportEvents {
  hello(h: Hello): void;
  changes(p: LivePacket): void;
  tick(t: Tick): void;
  updateRequired(u: UpdateRequired): void;
  viewing(p: PresenceViewing): void;
  typing(p: PresenceTyping): void;
  /** The socket closed (after having connected). */
  disconnected(reason: string): void;
  /** The handshake failed: a parsed rejection, or null for a network-level failure. */
  connectFailed(rejection: HandshakeRejection | null, message: string): void;
}

/** The network seam of the sync engine. */
export interface SyncTransport {
  /** Opens the socket with this handshake; events go to `events` until `disconnect`. */
  connect(auth: HandshakeAuth, events: TransportEvents): void;
  /** Closes the socket; no event is delivered afterwards. */
  disconnect(): void;
  /** `sync:push` with an ack; rejects with a TransportError on timeout or disconnect. */
  push(frame: PushFrame, timeoutMs: number): Promise<PushAck>;
  /** `sync:auth` with an ack. */
  renewAuth(token: string, timeoutMs: number): Promise<AuthRenewalAck>;
  /** `sync:report`, fire and forget. */
  report(r: ClientReport): void;
  /** `presence:viewing` / `presence:typing`, fire and forget; false when not connected. */
  presence(viewing: ViewingFrame, typing: TypingFrame | null): boolean;
  /** `GET /api/v1/sync/pull`. */
  pull(q: PullQuery, token: string): Promise<PullResponse>;
  /**
   * `GET /api/v1/sync/bootstrap`: streams the NDJSON, handing parsed lines to `onLines` in
   * chunks (the engine applies each chunk in one transaction before the next is read).
   */
  bootstrap(q: BootstrapQuery, token: string, onLines: (lines: BootstrapLine[]) => void): Promise<void>;
  /** `GET /api/v1/sync/history`; null when the conversation is not visible (404). */
  history(q: HistoryQuery, token: string): Promise<HistoryResponse | null>;
  /** `GET /api/v1/media/:id`. */
  media(mediaId: string, token: string): Promise<{ bytes: Uint8Array; mimeType: string }>;
}
