import { z } from 'zod';
import { text } from '../domain/text';
import { ChangeEntry, GroupRef, PutEntry, Seq, SyncEntity } from './entities';
import { MutationResult, PUSH_BATCH_MAX, RawMutation } from './mutations';

export * from './entities';
export * from './mutations';

/**
 * The client ⇄ server sync protocol (design/sync-protocol.md, whose decisions it implements).
 * THIS FILE IS THE CONTRACT the server's Socket.IO gateway and sync routes implement and the
 * desktop client's engine (src/core/sync) speaks; both ends parse every frame with these
 * schemas. Deviations from the design document are listed in src/core/README.md ("Protocol").
 *
 * Transports:
 * - Socket.IO, namespace {@link SYNC_NAMESPACE}, WebSocket transport only (no long-polling,
 *   so no sticky sessions): handshake, live packets, ticks, push, presence.
 * - HTTP (bearer access token): pull, bootstrap (NDJSON stream), history.
 *
 * Longer than ~400 lines on purpose: frame schemas only, read top to bottom as the protocol;
 * entities and mutations already live in their own files.
 */

/** The protocol version a client speaks (`protocol` in the handshake). */
export const PROTOCOL_VERSION = 1;

/**
 * The replica schema version of this client build (`schema` in the handshake). Bumped when
 * what the client can store changes (new entity, new row field it needs).
 */
export const SCHEMA_VERSION = 1;

/** The replica schemas a server of this build supports: `[SCHEMA_VERSION − 2, SCHEMA_VERSION]`. */
export const SCHEMA_RANGE = { min: Math.max(1, SCHEMA_VERSION - 2), max: SCHEMA_VERSION } as const;

/** Socket.IO namespace of the sync gateway. */
export const SYNC_NAMESPACE = '/sync';
/** Socket.IO path on the server (the default). */
export const SYNC_SOCKET_PATH = '/socket.io';

/** HTTP endpoints of the sync API (all `GET`, `Authorization: Bearer <access token>`). */
export const SYNC_ENDPOINTS = {
  /** Cursor-paged catch-up: {@link PullQuery} → {@link PullResponse}. */
  pull: '/api/v1/sync/pull',
  /** Phased snapshot stream: {@link BootstrapQuery} → NDJSON of {@link BootstrapLine}. */
  bootstrap: '/api/v1/sync/bootstrap',
  /** Older messages of one conversation: {@link HistoryQuery} → {@link HistoryResponse}. */
  history: '/api/v1/sync/history',
} as const;

/** Sizes and periods both ends agree on. */
export const SYNC_LIMITS = {
  /** Default and maximum `limit` of a pull page. */
  pullDefault: 2000,
  pullMax: 5000,
  /** Mutations per push frame. */
  pushBatchMax: PUSH_BATCH_MAX,
  /** The server emits a tick to each active user room this often. */
  tickIntervalMs: 10_000,
  /** The client reports its cursor, lmid and outbox size this often. */
  reportIntervalMs: 30_000,
  /** Log retention; an older cursor must re-bootstrap (decision 5). */
  logRetentionDays: 30,
  /** Phase 2 of bootstrap sends this many newest messages per recent conversation. */
  bootstrapRecentMessages: 20,
  /** Default and maximum `limit` of a history page. */
  historyDefault: 50,
  historyMax: 200,
  /** Local history the client backfills in the background (decision 3). */
  backfillDays: 90,
} as const;

// ---------------------------------------------------------------------------------------------
// Handshake
// ---------------------------------------------------------------------------------------------

/**
 * The Socket.IO `auth` payload (`io(url + SYNC_NAMESPACE, { auth })`). The server checks the
 * token (short-lived; renewed in band with `sync:auth`), that `clientId` belongs to this user
 * (first use registers it in `sync_clients`), and `protocol`/`schema`; an unsupported one is
 * refused with a {@link HandshakeRejection} of code `update_required`. The socket then joins
 * the room `u:{organizationId}:{userId}`, assigned by the server from the token only.
 */
export const HandshakeAuth = z.object({
  /** The access token (the same bearer token as REST). */
  token: text().min(1).max(4096),
  /** The organization of the token; must match it. */
  organizationId: z.uuid(),
  /** Names the replica file (opaque; for logs and lag metrics). */
  replicaId: text().min(1).max(128),
  /** The engine's identity, persisted in the replica (§2.13). */
  clientId: z.uuid(),
  /** {@link PROTOCOL_VERSION}. */
  protocol: z.number().int().positive(),
  /** {@link SCHEMA_VERSION}. */
  schema: z.number().int().positive(),
  /** The replica's durable cursor (0 before the first bootstrap). For lag metrics. */
  cursor: Seq,
  /** The highest mutation id whose result the client has. For lag metrics. */
  lastMutationId: z.number().int().nonnegative(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

/**
 * Why a handshake was refused: Socket.IO `connect_error` whose `data` is this object
 * (`next(Object.assign(new Error(code), { data }))` on the server).
 * - `unauthorized` / `token_expired`: get a new access token (refresh) and reconnect;
 * - `session_revoked`: the user was deactivated or removed: sign out (the client exports unsent
 *   drafts before wiping the replica);
 * - `update_required`: protocol or schema too old: stop syncing, keep the outbox;
 * - `bad_handshake`: the auth payload did not parse (a bug; retried with backoff).
 */
export const HandshakeRejection = z.object({
  code: z.enum(['unauthorized', 'token_expired', 'session_revoked', 'update_required', 'bad_handshake']),
  /** A sentence for logs and the status line. */
  message: text(),
  /** With `update_required`: what the server supports. */
  schemaRange: z.object({ min: z.number().int(), max: z.number().int() }).optional(),
});
export type HandshakeRejection = z.infer<typeof HandshakeRejection>;

/**
 * `sync:hello`, the server's first event on an accepted socket. The client then: re-bootstraps
 * when `cursor < floorSeq` (keeping its outbox); otherwise pulls from its cursor until
 * `hasMore` is false, buffering live packets meanwhile, then applies the buffer by the live rule.
 */
export const Hello = z.object({
  /** The organization's newest seq when the socket was accepted. */
  tenantSeq: Seq,
  /** The oldest seq still in the log: a cursor below it must re-bootstrap. */
  floorSeq: Seq,
  /** The replica schema versions this server supports. */
  schemaRange: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }),
  /** The protocol version the server speaks. */
  protocol: z.number().int().positive(),
  /** The server's clock, ISO 8601 (display of skew only; ordering never uses clocks). */
  serverTime: text(),
  /** The authenticated user, as the server sees it. */
  userId: z.uuid(),
  /** Optional digest of the user's scope (teams, role) for diagnostics. */
  scopeDigest: text().optional(),
});
export type Hello = z.infer<typeof Hello>;

/**
 * `sync:update_required`: this client is too old for the server (e.g. a mutator version left
 * the 90-day window). The client stops syncing, keeps queuing writes locally, never drops the
 * outbox, and asks for an update.
 */
export const UpdateRequired = z.object({
  reason: z.enum(['protocol', 'schema', 'mutator']),
  /** A sentence for the person. */
  message: text(),
  /** Replica schemas the server supports. */
  schemaRange: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }),
  /** The oldest mutator version the server still applies. */
  minMutatorVersion: z.number().int().positive().optional(),
});
export type UpdateRequired = z.infer<typeof UpdateRequired>;

/**
 * `sync:auth` (client → server, with ack): renews the access token of an open socket before it
 * expires. Without it the server disconnects the socket when the token expires.
 */
export const AuthRenewal = z.object({ token: text().min(1).max(4096) });
export type AuthRenewal = z.infer<typeof AuthRenewal>;

/** The ack of `sync:auth`. */
export const AuthRenewalAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: HandshakeRejection }),
]);
export type AuthRenewalAck = z.infer<typeof AuthRenewalAck>;

// ---------------------------------------------------------------------------------------------
// Live
// ---------------------------------------------------------------------------------------------

/** A mutation result addressed to one client of the user (live packets go to a user's room). */
export const ClientMutationResult = MutationResult.extend({
  /** The client that pushed it. */
  clientId: z.uuid(),
});
export type ClientMutationResult = z.infer<typeof ClientMutationResult>;

/**
 * `sync:changes`, a live packet to one user's room. `changes` are the entries in `(prev, seq]`
 * this user may see, compacted, each with the row as it is when emitted, and never a row the
 * user cannot see at emit time. Client rule (§2.6):
 * - `seq ≤ cursor`: duplicate, ignore;
 * - `prev !== null && prev ≤ cursor`: apply and set `cursor = seq` in the same transaction;
 * - otherwise (gap, or `prev` null after a tailer restart): pull from the cursor.
 */
export const LivePacket = z.object({
  /** The seq of the previous packet delivered to this user's room, or null when unknown. */
  prev: Seq.nullable(),
  /** The newest log seq this packet covers. */
  seq: Seq,
  changes: z.array(ChangeEntry),
  /** The organization's newest seq (for progress). */
  tenantSeq: Seq,
  /** Highest processed mutation id per client of this user whose changes are in this packet. */
  lmid: z.record(z.uuid(), z.number().int().nonnegative()).optional(),
  /** Results of those mutations (applied ones; rejections come with the push ack and pulls). */
  mutationResults: z.array(ClientMutationResult).optional(),
});
export type LivePacket = z.infer<typeof LivePacket>;

/** `sync:tick`, every {@link SYNC_LIMITS.tickIntervalMs}: the seq of the last packet sent to this user. A client whose cursor is below it pulls. */
export const Tick = z.object({ seq: Seq });
export type Tick = z.infer<typeof Tick>;

// ---------------------------------------------------------------------------------------------
// Push
// ---------------------------------------------------------------------------------------------

/**
 * `sync:push` (client → server, with ack): up to {@link PUSH_BATCH_MAX} mutations of one
 * client, in increasing `mutationId`. The server processes them in order, each in its own
 * transaction (§2.7): already processed (`mid ≤ lmid`) → the stored result; otherwise
 * validate, re-authorize, apply or reject, set `lmid = mid`. A transient failure stops the
 * batch and answers a retryable {@link PushError}; results so far are kept (the retry gets them).
 */
export const PushFrame = z.object({
  mutations: z.array(RawMutation).min(1).max(PUSH_BATCH_MAX),
});
export type PushFrame = z.infer<typeof PushFrame>;

/** Why a push frame was not (fully) processed. */
export const PushError = z.object({
  /** `unavailable` (database down), `rate_limited`, `bad_frame` (did not parse), `wrong_client` (clientId not this user's). */
  code: z.enum(['unavailable', 'rate_limited', 'bad_frame', 'wrong_client']),
  message: text(),
  /** True when the client should resend the same mutations later (with backoff). */
  retryable: z.boolean(),
  /** A hint, in milliseconds. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type PushError = z.infer<typeof PushError>;

/**
 * The ack of `sync:push`. `lmid`: the client's last processed mutation id on the server;
 * `seq`: the highest commit seq of this batch's applied mutations (or the tenant seq when none
 * applied); `results`: one per mutation of the frame that was processed (stored results for
 * replays). The client confirms an applied mutation when `lmid ≥ mid` AND its cursor ≥ its seq.
 */
export const PushAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    lmid: z.number().int().nonnegative(),
    seq: Seq,
    results: z.array(MutationResult),
  }),
  z.object({ ok: z.literal(false), error: PushError }),
]);
export type PushAck = z.infer<typeof PushAck>;

/** `sync:report` (client → server, every 30 s): for the server's per-client lag graphs. */
export const ClientReport = z.object({
  cursor: Seq,
  lmid: z.number().int().nonnegative(),
  outboxSize: z.number().int().nonnegative(),
});
export type ClientReport = z.infer<typeof ClientReport>;

// ---------------------------------------------------------------------------------------------
// Pull
// ---------------------------------------------------------------------------------------------

const intParam = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * `GET /api/v1/sync/pull` query. Server: read `sync_log` rows with `seq > cursor` in order (at
 * most `limit`), keep the newest per (entity, id), fetch current rows joined with the user's
 * scope, emit `put` for visible rows, `del` for deleted ones, and the `revoke`/`grant`/`group_*`
 * entries whose subject is this user. A row that left scope is omitted (its `revoke` follows).
 */
export const PullQuery = z.object({
  /** Exclusive lower bound: the client's cursor. */
  cursor: intParam(0, Number.MAX_SAFE_INTEGER),
  /** Log entries to scan (not rows returned). */
  limit: intParam(1, SYNC_LIMITS.pullMax).default(SYNC_LIMITS.pullDefault),
  /** The pulling client, whose `lmid` and mutation results come back (must be this user's). */
  clientId: z.uuid(),
  /** The highest mutation id whose result the client already has; results above it are returned. */
  lmid: intParam(0, Number.MAX_SAFE_INTEGER).default(0),
});
export type PullQuery = z.infer<typeof PullQuery>;

/** A pull page. The client applies it in ONE SQLite transaction that also sets `cursor = nextCursor`. */
export const PullPage = z.object({
  changes: z.array(ChangeEntry),
  /** The last log seq scanned; equals `tenantSeq` when `hasMore` is false. */
  nextCursor: Seq,
  /** More log entries beyond `nextCursor`. */
  hasMore: z.boolean(),
  /** The organization's newest seq. */
  tenantSeq: Seq,
  /** The client's last processed mutation id on the server. */
  lmid: z.number().int().nonnegative(),
  /** Results of the client's mutations with `mid` in `(query.lmid, lmid]` (kept 30 days). */
  mutationResults: z.array(MutationResult),
});
export type PullPage = z.infer<typeof PullPage>;

/** The cursor is below the log's retention floor: re-bootstrap (keeping the outbox), then pull. */
export const MustRebootstrap = z.object({
  mustRebootstrap: z.literal(true),
  floorSeq: Seq,
  tenantSeq: Seq,
});
export type MustRebootstrap = z.infer<typeof MustRebootstrap>;

/** `GET /api/v1/sync/pull` response (HTTP 200). */
export const PullResponse = z.union([MustRebootstrap, PullPage]);
export type PullResponse = z.infer<typeof PullResponse>;

// ---------------------------------------------------------------------------------------------
// Bootstrap
// ---------------------------------------------------------------------------------------------

/**
 * `GET /api/v1/sync/bootstrap` query. Three phases, each one streamed NDJSON response
 * (`application/x-ndjson`, gzip/brotli allowed) of {@link BootstrapLine}s:
 * - phase 0, metadata: `member`, `team`, `template`, `whatsapp_account` puts;
 * - phase 1, conversations in scope, newest activity first (keyset by `(lastMessageAt, id)`
 *   on the server), each followed by its `contact`; the client shows the inbox after the first
 *   lines. With `group`, only the conversations visible through that group (partial bootstrap
 *   after a `group_join`);
 * - phase 2, the last {@link SYNC_LIMITS.bootstrapRecentMessages} messages (with their
 *   reactions, and the notes) of the recent conversations (open ones and those active in the
 *   last 7 days), newest conversations first, each followed by a `floor` line.
 * The server reads the tenant seq BEFORE the first row of a phase and sends it last as
 * `snapshotSeq`, with the number of put lines per entity; the client checks the counts and
 * starts its cursor at the smallest `snapshotSeq` of the phases.
 */
export const BootstrapQuery = z.object({
  phase: z.coerce.number().int().min(0).max(2),
  /** Phase 1 only: restrict to conversations visible through this group. */
  group: GroupRef.optional(),
});
export type BootstrapQuery = z.infer<typeof BootstrapQuery>;

/** Phase 2: the client holds every message of `conversationId` from `convSeq` up (its history floor). */
export const FloorLine = z.object({
  floor: z.object({
    conversationId: z.uuid(),
    /** Lowest `convSeq` sent for it (1 = the whole conversation; 1 also when it has none). */
    convSeq: z.number().int().positive(),
  }),
});
export type FloorLine = z.infer<typeof FloorLine>;

/** The last line of a bootstrap phase. */
export const BootstrapTrailer = z.object({
  /** The tenant seq read before the phase's first row. */
  snapshotSeq: Seq,
  /** Put lines sent per entity, checked by the client (a mismatch retries the phase). */
  counts: z.partialRecord(SyncEntity, z.number().int().nonnegative()),
});
export type BootstrapTrailer = z.infer<typeof BootstrapTrailer>;

/** One NDJSON line of a bootstrap stream: a put, a history floor, or the trailer (last). */
export const BootstrapLine = z.union([PutEntry, FloorLine, BootstrapTrailer]);
export type BootstrapLine = z.infer<typeof BootstrapLine>;

// ---------------------------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------------------------

/**
 * `GET /api/v1/sync/history`: a page of one conversation's messages older than
 * `beforeConvSeq` (the newest page without it), keyset by `convSeq`. 404 `not_found` when the
 * conversation is not visible to the user (the client then waits for the revoke in the log).
 */
export const HistoryQuery = z.object({
  conversationId: z.uuid(),
  /** Exclusive upper bound; omitted = the newest page. */
  beforeConvSeq: intParam(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: intParam(1, SYNC_LIMITS.historyMax).default(SYNC_LIMITS.historyDefault),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** A history page. Applied version-guarded; the client lowers `history_floor` when contiguous. */
export const HistoryResponse = z.object({
  /** The tenant seq when the page was read (a page older than a revoke the client has seen is dropped). */
  snapshotSeq: Seq,
  conversationId: z.uuid(),
  /**
   * Message puts with `convSeq` in `[lowestConvSeq, beforeConvSeq)`, newest first, with their
   * reactions. The newest page (no `beforeConvSeq`) also carries the conversation, its contact
   * and its notes, which makes it the pointer form of a grant.
   */
  changes: z.array(PutEntry),
  /** The lowest `convSeq` in this page, null when it holds no message. */
  lowestConvSeq: z.number().int().positive().nullable(),
  /** Older messages exist below `lowestConvSeq`. */
  hasMore: z.boolean(),
});
export type HistoryResponse = z.infer<typeof HistoryResponse>;

// ---------------------------------------------------------------------------------------------
// Presence (ephemeral: never logged, never stored, relayed to users who can see the conversation)
// ---------------------------------------------------------------------------------------------

/** Client → server `presence:viewing`: the conversation on screen (null = none). */
export const ViewingFrame = z.object({ conversationId: z.uuid().nullable() });
export type ViewingFrame = z.infer<typeof ViewingFrame>;

/** Client → server `presence:typing`: composing in a conversation (sent on change, at most every 3 s). */
export const TypingFrame = z.object({ conversationId: z.uuid(), typing: z.boolean() });
export type TypingFrame = z.infer<typeof TypingFrame>;

/** Server → client `presence:viewing`: another member opened or left a conversation. */
export const PresenceViewing = z.object({
  conversationId: z.uuid(),
  userId: z.uuid(),
  viewing: z.boolean(),
});
export type PresenceViewing = z.infer<typeof PresenceViewing>;

/** Server → client `presence:typing`: another member is (no longer) typing. Expires after 6 s without renewal. */
export const PresenceTyping = z.object({
  conversationId: z.uuid(),
  userId: z.uuid(),
  typing: z.boolean(),
});
export type PresenceTyping = z.infer<typeof PresenceTyping>;

// ---------------------------------------------------------------------------------------------
// Event maps (Socket.IO typings for both ends, and the schemas each end parses with)
// ---------------------------------------------------------------------------------------------

/** Server → client events and the schema of their single argument. */
export const serverToClient = {
  'sync:hello': Hello,
  'sync:changes': LivePacket,
  'sync:tick': Tick,
  'sync:update_required': UpdateRequired,
  'presence:viewing': PresenceViewing,
  'presence:typing': PresenceTyping,
} as const;

/** Client → server events and the schema of their first argument (push and auth take an ack). */
export const clientToServer = {
  'sync:push': PushFrame,
  'sync:auth': AuthRenewal,
  'sync:report': ClientReport,
  'presence:viewing': ViewingFrame,
  'presence:typing': TypingFrame,
} as const;

/** Socket.IO `ServerToClientEvents` (server `Server<ClientToServerEvents, ServerToClientEvents>`). */
export interface ServerToClientEvents {
  'sync:hello': (hello: Hello) => void;
  'sync:changes': (packet: LivePacket) => void;
  'sync:tick': (tick: Tick) => void;
  'sync:update_required': (u: UpdateRequired) => void;
  'presence:viewing': (p: PresenceViewing) => void;
  'presence:typing': (p: PresenceTyping) => void;
}

/** Socket.IO `ClientToServerEvents`. */
export interface ClientToServerEvents {
  'sync:push': (frame: PushFrame, ack: (a: PushAck) => void) => void;
  'sync:auth': (frame: AuthRenewal, ack: (a: AuthRenewalAck) => void) => void;
  'sync:report': (report: ClientReport) => void;
  'presence:viewing': (frame: ViewingFrame) => void;
  'presence:typing': (frame: TypingFrame) => void;
}
