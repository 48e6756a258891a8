import { z } from 'zod';
import { text } from '../domain/text';
import { SessionUser } from '../api/auth';
import { Email, Password, PersonName } from '../api/common';
import { Contact, UpdateContactBody } from '../api/contacts';
import { UpdateConversationBody } from '../api/conversations';
import { Message, SendMessageBody } from '../api/messages';
import { Note, NoteBody } from '../api/notes';
import { Template, TemplateStatus } from '../api/templates';
import { Team } from '../api/teams';
import { Label } from '../api/labels';
import { CannedResponse } from '../api/canned-responses';
import { BusinessHoursRow } from '../api/organization';
import { Member } from '../api/users';
import { ConversationStatus, WHATSAPP_LIMITS } from '../domain/messaging';
import { resultSchema, type Result } from '../result';
import { ConversationRow, MutationError } from '../sync/protocol';
import { AcceptInviteInput, adminIpc, TemplateMediaProgress } from './admin';
import { integrationsIpc } from './integrations';
import { assignmentIpc } from './assignment';
import { channelNames, type Channel, type EventName } from './names';

export { channelNames, eventNames, isChannel, isEventName, type Channel, type EventName } from './names';

/**
 * The renderer⇄main contract. One table of channels (`domain:verb`, zod input and output) and
 * one map of events, typed against the plain name lists in `names.ts`. Everything else derives
 * from them: the preload exposes one function per listed channel, the main process, the core
 * host and the browser harness dispatch every channel through `src/core/dispatch.ts` (input
 * parsed here), the core's handler map is forced complete by a mapped type, and the renderer
 * calls `client.call(channel, input)`. A new channel is its name, its entry here and its
 * handler. Every result crosses the boundary as a `Result` value: thrown errors lose their
 * class on the way.
 *
 * Longer than ~400 lines on purpose: it is one table, and splitting a table across files would
 * hide the channel surface the preload, main process and renderer must agree on.
 */

/** Theme preference; `system` follows the OS. */
export const ThemeMode = z.enum(['light', 'dark', 'system']);
export type ThemeMode = z.infer<typeof ThemeMode>;

/** Where the refresh token lives: the OS keychain via safeStorage, or memory only. */
export const TokenStorage = z.enum(['secure', 'memory']);
export type TokenStorage = z.infer<typeof TokenStorage>;

/** What the renderer knows about the session. */
export const SessionState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signed_out'), lastServerUrl: z.string().nullable() }),
  z.object({
    status: z.literal('signed_in'),
    serverUrl: z.string(),
    user: SessionUser,
    tokenStorage: TokenStorage,
  }),
]);
export type SessionState = z.infer<typeof SessionState>;

/** A server base URL typed by a person: http(s) only. */
export const ServerUrl = text()
  .trim()
  .min(1, { message: 'Enter the server URL' })
  .pipe(
    z
      .url({ protocol: /^https?$/, message: 'Enter an http:// or https:// URL' })
      .transform((u) => u.replace(/\/+$/, '')),
  );

/** Connection and sync state shown in the header and the outbox tray. */
export const SyncStatus = z.object({
  state: z.enum(['online', 'connecting', 'offline', 'syncing']),
  /** When the connection was lost (ISO 8601), while offline. */
  offlineSince: z.string().nullable(),
  /** Progress of a bootstrap or catch-up, while syncing. */
  progress: z
    .object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() })
    .nullable(),
  /** Mutations waiting in the local outbox. */
  outboxSize: z.number().int().nonnegative(),
  /** The last sync error, in a sentence. */
  lastError: z.string().nullable(),
  /**
   * The server needs a newer app: sync stopped, synced data is read-only, new writes still
   * queue locally (nothing is dropped). Absent means false.
   */
  updateRequired: z.boolean().optional(),
  /** Writes the server refused, waiting in the failed tray (`outbox:list`). Absent means 0. */
  failedCount: z.number().int().nonnegative().optional(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** The `convSeq` range (inclusive) of one conversation's server messages that changed. */
export const MessageSpan = z
  .object({
    conversationId: z.string(),
    fromConvSeq: z.number().int().positive(),
    toConvSeq: z.number().int().positive(),
  })
  .refine((s) => s.fromConvSeq <= s.toConvSeq, { message: 'The span ends before it starts' });
export type MessageSpan = z.infer<typeof MessageSpan>;

/** The widest span `messages:range` reads at once; a view re-reads the thread past it. */
export const MESSAGE_SPAN_MAX = 1_000;

/**
 * Which replica tables changed, so views re-query only what they show. Table names are the
 * replica's: `conversations`, `messages`, `contacts`, `notes`, `reactions`, `templates`,
 * `members`, `teams`, `labels`, `canned_responses`, `whatsapp_accounts`, `outbox`, `pending_messages`, `pending_patches`,
 * `drafts`, `media_cache`.
 */
export const ReplicaChanged = z.object({
  tables: z.array(z.string()),
  /**
   * Conversations touched, when the change is conversation-scoped and names fewer than 200;
   * absent when it may touch any (a bootstrap chunk): re-query everything shown.
   */
  conversationIds: z.array(z.string()).optional(),
  /**
   * Where each named conversation's server messages changed: the `convSeq` range of the
   * messages written or deleted, a reaction counting at its message. A thread re-reads just
   * that range (`messages:range`). A conversation named without a span, while `messages` or
   * `reactions` changed, changed in a way a range cannot say (a history or bootstrap page, a
   * revoke, a message this replica does not hold): re-read what is shown.
   */
  messageSpans: z.array(MessageSpan).optional(),
});
export type ReplicaChanged = z.infer<typeof ReplicaChanged>;

// ---- inbox (read side: the local replica, never the network) ----

/**
 * The inbox views: `mine` (assigned to me), `unassigned` (the queues I can see), `all`
 * (everything in my replica), `team` (one team's, with `teamId`).
 */
export const InboxView = z.enum(['mine', 'unassigned', 'all', 'team']);
export type InboxView = z.infer<typeof InboxView>;

const viewInput = {
  view: InboxView.default('all'),
  /** Required with view `team`. */
  teamId: z.uuid().optional(),
};
const teamNeedsId = (v: { view: InboxView; teamId?: string | undefined }) => v.view !== 'team' || !!v.teamId;
const teamIdIssue = { message: 'Pick a team', path: ['teamId'] };

/** `conversations:list`: one keyset page of a view's tab, newest activity first. */
export const ConversationsListInput = z
  .object({
    ...viewInput,
    /** The tab: a conversation status. */
    tab: ConversationStatus.default('open'),
    /** Only conversations with unread customer messages. */
    unread: z.boolean().optional(),
    /** Only starred conversations. */
    important: z.boolean().optional(),
    /** Only conversations with this label. */
    label: z.string().trim().min(1).max(50).optional(),
    /** Contact name or number (3+ characters match inside numbers) and message words (prefixes). */
    q: z.string().trim().max(200).optional(),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
    /**
     * `recent` (absent): newest activity first. `waiting`: only conversations whose customer
     * waits for a reply, the longest wait first (issue 13's "Waiting longest").
     */
    sort: z.enum(['recent', 'waiting']).optional(),
  })
  .refine(teamNeedsId, teamIdIssue);

/**
 * A conversation as the inbox shows it: the server row with this device's unconfirmed changes
 * on top (`hasPendingChanges`), and the contact's current name and number from the replica.
 */
export const InboxConversation = ConversationRow.extend({
  /** Local changes (status, labels, assignment…) the server has not confirmed yet. */
  hasPendingChanges: z.boolean(),
});
export type InboxConversation = z.infer<typeof InboxConversation>;

/** A page of conversations. */
export const ConversationPage = z.object({
  items: z.array(InboxConversation),
  /** Pass back as `cursor` for the next page; null on the last. */
  nextCursor: z.string().nullable(),
});
export type ConversationPage = z.infer<typeof ConversationPage>;

/** Counts of one tab. */
export const TabCounts = z.object({
  total: z.number().int().nonnegative(),
  /** With unread customer messages. */
  unread: z.number().int().nonnegative(),
  important: z.number().int().nonnegative(),
});
export type TabCounts = z.infer<typeof TabCounts>;

/** `conversations:counts`: every tab of a view (maintained incrementally; pending changes included). */
export const InboxCounts = z.object({
  view: InboxView,
  teamId: z.uuid().nullable(),
  tabs: z.record(ConversationStatus, TabCounts),
});
export type InboxCounts = z.infer<typeof InboxCounts>;

/** A pending or failed local write shown in a thread. */
export const PendingInfo = z.object({
  /** `queued`: waiting for the server; `failed`: refused (or reassigned away), text kept. */
  state: z.enum(['queued', 'failed']),
  mutationId: z.number().int().positive(),
  error: MutationError.nullable(),
});
export type PendingInfo = z.infer<typeof PendingInfo>;

/** A message as a thread shows it: with its reactions, and `pending` while not confirmed. */
export const ThreadMessage = Message.extend({ pending: PendingInfo.nullable() });
export type ThreadMessage = z.infer<typeof ThreadMessage>;

/** `messages:list` result: oldest first, pending messages last in the order they were written. */
export const MessagePage = z.object({
  items: z.array(ThreadMessage),
  /** Older messages exist (locally below this page, or on the server). */
  hasOlder: z.boolean(),
  /** Older messages are being fetched; `replica:changed` names the conversation when they land. */
  loadingOlder: z.boolean(),
  /** Why older history could not be fetched (offline…), or null. */
  historyError: z.string().nullable(),
  /** Pass as `beforeConvSeq` for the next older page; null when the page is the oldest. */
  nextBeforeConvSeq: z.number().int().positive().nullable(),
});
export type MessagePage = z.infer<typeof MessagePage>;

/**
 * `messages:range` result: what a thread patches in after a `replica:changed` (instead of
 * re-reading every loaded page).
 */
export const ThreadChanges = z.object({
  /** The server messages of the range asked for, oldest first; empty without a range. */
  items: z.array(ThreadMessage),
  /** This device's unconfirmed messages, in the order they were written (how the newest page ends). */
  pending: z.array(ThreadMessage),
  /**
   * A reaction of this device's is queued here. It shows on its target message wherever that
   * is, which no range can say: re-read the thread while this is true (and once after).
   */
  pendingReaction: z.boolean(),
});
export type ThreadChanges = z.infer<typeof ThreadChanges>;

/** A note as a thread shows it. */
export const ThreadNote = Note.extend({ pending: PendingInfo.nullable() });
export type ThreadNote = z.infer<typeof ThreadNote>;

/** `conversation:get`: one conversation with its contact and draft. */
export const ConversationDetail = z.object({
  conversation: InboxConversation,
  /** The contact with pending edits applied; null until it has synced. */
  contact: Contact.nullable(),
  draft: z.string().nullable(),
});
export type ConversationDetail = z.infer<typeof ConversationDetail>;

/** What a write command returns: it is queued (and shown) locally; the server decides later. */
export const Queued = z.object({
  mutationId: z.number().int().positive(),
  /** The id of the created message or note, when the write creates one. */
  id: z.uuid().optional(),
});
export type Queued = z.infer<typeof Queued>;

/** An outbox entry for the tray. */
export const OutboxItem = z.object({
  mutationId: z.number().int().positive(),
  /** The mutation (`message.send`, `conversation.setStatus`, …). */
  name: z.string(),
  /**
   * `queued`: not sent yet; `sending`: sent, no answer yet; `syncing`: accepted, waiting for the
   * replica to catch up; `failed`: refused (or its conversation was reassigned away).
   */
  state: z.enum(['queued', 'sending', 'syncing', 'failed']),
  conversationId: z.uuid().nullable(),
  /** One line describing it ("Message: Hello…", "Status → resolved"). */
  summary: z.string(),
  /** The text to copy, for messages and notes. */
  text: z.string().nullable(),
  error: MutationError.nullable(),
  createdAt: z.string(),
  /** `outbox:retry` makes a new write (a message gets a new id). Only for failed items. */
  canRetry: z.boolean(),
  /** `outbox:discard` is allowed: failed, or never sent to the server. */
  canDiscard: z.boolean(),
});
export type OutboxItem = z.infer<typeof OutboxItem>;

/** `conversation:revoked`: a conversation left this user's scope (the "reassigned to B" notice). */
export const ConversationRevoked = z.object({
  conversationId: z.uuid(),
  /** `reassigned`: someone reassigned it; `scope`: you left a team or lost a role. */
  reason: z.enum(['reassigned', 'scope']),
  /** The member who has it now, when known. */
  reassignedTo: z.uuid().nullable(),
  reassignedToName: z.string().nullable(),
  /** Unsent writes on it, now in the failed tray. */
  pendingCount: z.number().int().nonnegative(),
});
export type ConversationRevoked = z.infer<typeof ConversationRevoked>;

/** `presence:changed`: another member viewing or typing in a conversation (ephemeral). */
export const PresenceChanged = z.object({
  conversationId: z.uuid(),
  userId: z.uuid(),
  viewing: z.boolean().optional(),
  typing: z.boolean().optional(),
});
export type PresenceChanged = z.infer<typeof PresenceChanged>;

/** A media file on this device: downloaded into the cache, or staged by the composer. */
export const CachedMedia = z.object({
  mediaId: z.uuid(),
  /** Absolute path of the file (for the host: open, save; the page cannot load it). */
  path: z.string(),
  /**
   * A URL the page may load in `<img>`, `<video>` and `<audio>`: `parley://media/<id>` in the
   * desktop app (served by the main process from this device's files), the harness's
   * `/media/<id>` in the browser harness.
   */
  url: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  /** The file's name, when known (staged files; documents). */
  fileName: z.string().nullable().optional(),
});
export type CachedMedia = z.infer<typeof CachedMedia>;

/** The largest file `media:stage` takes: WhatsApp's largest limit (documents, 100 MB). */
export const STAGE_MEDIA_MAX_BYTES = Math.max(...Object.values(WHATSAPP_LIMITS.media).map((m) => m.maxBytes));

/**
 * `media:stage` input: a file the agent picked. The bytes cross Electron IPC (structured clone)
 * as a Uint8Array; the browser harness's bridge encodes them for its WebSocket and decodes them
 * before this schema runs. The type and size limits of the type it will be sent as are checked
 * again by the core (and by the server on upload).
 */
export const StageMediaInput = z.object({
  /** The file name as picked (shown as the document name). */
  name: z.string().trim().min(1).max(240),
  /** Normalized MIME type (`image/png`, …), one WhatsApp accepts. */
  mimeType: z.string().trim().toLowerCase().min(3).max(255),
  /** The file's bytes. */
  bytes: z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'Expected the file’s bytes' })
    .refine((b) => b.byteLength > 0, { message: 'The file is empty.' })
    .refine((b) => b.byteLength <= STAGE_MEDIA_MAX_BYTES, {
      message: 'The file is larger than WhatsApp allows (100 MB).',
    }),
});
export type StageMediaInput = z.input<typeof StageMediaInput>;

/** `media:stage` output. */
export const StagedMedia = z.object({
  /** The local media id: pass it as `mediaId` in `messages:send` (or a template header). */
  mediaId: z.uuid(),
});
export type StagedMedia = z.infer<typeof StagedMedia>;

/** `media:progress`: an upload of a staged file by the outbox flush. */
export const MediaProgress = z.object({
  /** The local media id (as returned by `media:stage`). */
  mediaId: z.uuid(),
  sentBytes: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  /** `uploading` while bytes go out; `done` once the server has it; `failed` when it refused it. */
  state: z.enum(['uploading', 'done', 'failed']),
});
export type MediaProgress = z.infer<typeof MediaProgress>;

const conversationId = z.uuid();

/** Desktop preferences kept by the client. */
export const Settings = z.object({
  theme: ThemeMode,
});
export type Settings = z.infer<typeof Settings>;

/** Facts about the running app. */
export const AppInfo = z.object({
  version: z.string(),
  platform: z.string(),
  /** The server URL to pre-fill on the sign-in screen. */
  defaultServerUrl: z.string(),
  /** Whether the OS offers encrypted storage for the refresh token. */
  secureStorageAvailable: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/**
 * `app:setAttention` input: how the desktop app may draw the person back. Every field is
 * optional; an empty object only reads the current state. The Electron main process answers it
 * itself (the core's handler, used by the browser harness, only remembers the values).
 */
export const AttentionInput = z.object({
  /**
   * Desktop notifications wanted at all (for Mine, Unassigned or both). The main process grants
   * the page's Notification permission only while this is true, and remembers it between runs.
   */
  notifications: z.boolean().optional(),
  /** Conversations waiting to be read, for the dock or launcher badge; 0 clears it. */
  badgeCount: z.number().int().min(0).max(999_999).optional(),
  /** Brings the window to the front (restoring it if minimized): a notification was clicked. */
  focus: z.literal(true).optional(),
});
export type AttentionInput = z.input<typeof AttentionInput>;

/** `app:setAttention` output: the state after the call. */
export const AttentionState = z.object({
  /** Whether desktop notifications are allowed (default true: Mine and Unassigned alert). */
  notifications: z.boolean(),
  /** The badge count last set. */
  badgeCount: z.number().int().nonnegative(),
});
export type AttentionState = z.infer<typeof AttentionState>;

const none = z.undefined();

/** What each channel entry holds: the input schema (parsed by the host) and the output schema. */
type ChannelSpec = { input: z.ZodType; output: z.ZodType };

/** The channel table. */
export const ipc = {
  'app:info': { input: none, output: AppInfo },
  /**
   * The notification opt-in, the unread badge and bringing the window forward (desktop shell;
   * a no-op that remembers the values in the browser harness).
   */
  'app:setAttention': { input: AttentionInput, output: AttentionState },
  /**
   * The invite link the OS handed to the desktop app (`parley://invite…`), once; null when none.
   * The Electron main process answers it (the core, for the browser harness, always has none).
   */
  'app:takeInviteLink': { input: none, output: z.object({ link: z.string().nullable() }) },
  'session:get': { input: none, output: SessionState },
  'session:signIn': {
    input: z.object({
      serverUrl: ServerUrl,
      email: Email,
      password: z.string().min(1, { message: 'Enter your password' }).max(256),
      organizationId: z.uuid().optional(),
    }),
    output: SessionState,
  },
  'session:signOut': { input: z.object({ wipeReplica: z.boolean().default(false) }), output: SessionState },
  /** Redeems an invitation (a new account with name and password) and signs in to its organization. */
  'session:acceptInvite': { input: AcceptInviteInput, output: SessionState },
  'profile:update': { input: z.object({ name: PersonName }), output: SessionUser },
  'profile:changePassword': {
    input: z.object({ currentPassword: z.string().min(1).max(256), newPassword: Password }),
    output: z.object({ changed: z.literal(true) }),
  },
  'settings:get': { input: none, output: Settings },
  'settings:set': { input: Settings.partial(), output: Settings },
  /** The current connection state, for a view that mounts after the last `sync:status` event. */
  'sync:getStatus': { input: none, output: SyncStatus },

  // ---- inbox reads (local replica; keyset paging; re-query on `replica:changed`) ----
  /** A page of a view's tab, newest activity first; filters and search combine. */
  'conversations:list': { input: ConversationsListInput, output: ConversationPage },
  /** Tab counts of a view (total, unread, important per status). */
  'conversations:counts': {
    input: z.object(viewInput).refine(teamNeedsId, teamIdIssue),
    output: InboxCounts,
  },
  /** One conversation with its contact and draft; `not_found` when not in the replica. */
  'conversation:get': { input: z.object({ id: conversationId }), output: ConversationDetail },
  /**
   * A page of a thread, keyset by `convSeq`: the newest without `beforeConvSeq`. Pending messages
   * come last on the newest page. Missing older history is fetched in the background.
   */
  'messages:list': {
    input: z.object({
      conversationId,
      beforeConvSeq: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(200).default(50),
    }),
    output: MessagePage,
  },
  /**
   * The changed part of a thread: the server messages with `convSeq` in a range (from a
   * `replica:changed` span) and the pending tail. Without a range, the pending tail alone.
   */
  'messages:range': {
    input: z
      .object({
        conversationId,
        fromConvSeq: z.number().int().positive().optional(),
        toConvSeq: z.number().int().positive().optional(),
      })
      .refine((i) => (i.fromConvSeq === undefined) === (i.toConvSeq === undefined), {
        message: 'Give both ends of the range, or neither',
        path: ['toConvSeq'],
      })
      .refine(
        (i) =>
          i.fromConvSeq === undefined ||
          i.toConvSeq === undefined ||
          (i.fromConvSeq <= i.toConvSeq && i.toConvSeq - i.fromConvSeq < MESSAGE_SPAN_MAX),
        {
          message: `The range must run forward and hold at most ${MESSAGE_SPAN_MAX} messages`,
          path: ['toConvSeq'],
        },
      ),
    output: ThreadChanges,
  },
  /** The notes of a conversation, oldest first, pending ones included. */
  'notes:list': { input: z.object({ conversationId }), output: z.array(ThreadNote) },
  /** Synced templates (approved first), optionally filtered. */
  'templates:list': {
    input: z
      .object({
        whatsappAccountId: z.uuid().optional(),
        status: TemplateStatus.optional(),
        q: z.string().trim().max(200).optional(),
      })
      .default({}),
    output: z.array(Template),
  },
  /** Members of the organization, by name. */
  'members:list': { input: none, output: z.array(Member) },
  /** Teams of the organization, by name. */
  'teams:list': { input: none, output: z.array(Team) },
  /** Labels of the organization (names with colours), by name. */
  'labels:list': { input: none, output: z.array(Label) },
  /** Canned responses I may use (the organization's and my own), by shortcut. */
  'cannedResponses:list': { input: none, output: z.array(CannedResponse) },
  /**
   * The organization's business hours and whether the away message is on, from the replica
   * (offline too); null before the first sync brought them.
   */
  'organization:businessHours': { input: none, output: BusinessHoursRow.nullable() },

  // ---- writes (outbox + optimistic overlay in one durable transaction; work offline) ----
  /**
   * Sends a message (text, media, template, location or reaction). `message.id` may be a
   * client UUIDv7; one is generated otherwise. Shown at once as queued.
   */
  'messages:send': { input: z.object({ conversationId, message: SendMessageBody }), output: Queued },
  /** Status open/pending/resolved/snoozed (`snoozedUntil` null = until the customer writes). */
  'conversation:setStatus': {
    input: z.object({
      conversationId,
      status: ConversationStatus,
      snoozedUntil: z.iso.datetime({ offset: true }).nullable().optional(),
    }),
    output: Queued,
  },
  /** Managers and admins: assign to a member (null = unassign) and optionally move to a team. */
  'conversation:assign': {
    input: z.object({
      conversationId,
      assigneeId: z.uuid().nullable(),
      teamId: z.uuid().nullable().optional(),
    }),
    output: Queued,
  },
  /** Take an unassigned conversation; the first claim the server commits wins. */
  'conversation:claim': { input: z.object({ conversationId }), output: Queued },
  'conversation:setImportant': {
    input: z.object({ conversationId, important: z.boolean() }),
    output: Queued,
  },
  'conversation:setLabels': {
    input: z.object({ conversationId, labels: UpdateConversationBody.shape.labels.unwrap() }),
    output: Queued,
  },
  /** Marks read up to a message (`convSeq`); only ever moves forward. */
  'conversation:markRead': {
    input: z.object({ conversationId, readUpToConvSeq: z.number().int().nonnegative() }),
    output: Queued,
  },
  /** Back into your unread list (per-user: teammates are unaffected) until you read it again. */
  'conversation:markUnread': { input: z.object({ conversationId }), output: Queued },
  /** An internal note. */
  'note:add': {
    input: z.object({ conversationId, body: NoteBody, id: z.uuid().optional() }),
    output: Queued,
  },
  /** Edit a contact's name, tags, opt-out or custom attributes (field by field). */
  'contact:update': { input: z.object({ contactId: z.uuid(), patch: UpdateContactBody }), output: Queued },

  // ---- the outbox tray ----
  /** Every write not yet confirmed, and the failed ones (oldest first). */
  'outbox:list': { input: none, output: z.array(OutboxItem) },
  /** Re-queues a failed write as a new one (a message gets a new id); the failed item goes. */
  'outbox:retry': { input: z.object({ mutationId: z.number().int().positive() }), output: Queued },
  /** Drops a failed or never-sent write and its local effect; `conflict` once it reached the server. */
  'outbox:discard': {
    input: z.object({ mutationId: z.number().int().positive() }),
    output: z.object({ discarded: z.literal(true) }),
  },

  // ---- drafts, media, presence, backfill ----
  'drafts:get': { input: z.object({ conversationId }), output: z.object({ text: z.string().nullable() }) },
  /** Saves the composer text (empty text deletes the draft). Local only. */
  'drafts:set': {
    input: z.object({ conversationId, text: z.string().max(20_000) }),
    output: z.object({ saved: z.literal(true) }),
  },
  /**
   * A message's media on this device: a file staged here, or one downloaded into the local cache
   * (least recently used evicted past the cap); `url` is what the page loads.
   */
  'media:get': { input: z.object({ mediaId: z.uuid() }), output: CachedMedia },
  /**
   * Keeps a picked file on this device (content-addressed) and returns its local media id. A
   * message sent with it is queued at once; the outbox uploads the file when online, then sends.
   */
  'media:stage': { input: StageMediaInput, output: StagedMedia },
  /** Opens a message's file with the system's default app (desktop app only). */
  'media:open': { input: z.object({ mediaId: z.uuid() }), output: z.object({ opened: z.literal(true) }) },
  /**
   * Saves a message's file where the person chooses (desktop app only); `saved` is false when
   * the save dialog was cancelled.
   */
  'media:save': {
    input: z.object({ mediaId: z.uuid(), fileName: z.string().trim().min(1).max(240).optional() }),
    output: z.object({ saved: z.boolean() }),
  },
  /** Tells teammates which conversation is on screen and whether you are typing (never stored). */
  'presence:set': {
    input: z.object({ conversationId: conversationId.nullable(), typing: z.boolean().default(false) }),
    output: z.object({ sent: z.boolean() }),
  },
  /** Pauses or resumes the background download of the last 90 days of history. */
  'sync:setBackfill': { input: z.object({ paused: z.boolean() }), output: z.object({ paused: z.boolean() }) },

  // ---- the Settings area (online-only administration; see admin.ts) ----
  ...adminIpc,
  // API keys and outgoing webhooks (see integrations.ts)
  ...integrationsIpc,
  // ---- availability, capacity, auto-assignment, workload (see assignment.ts) ----
  ...assignmentIpc,
} as const satisfies Record<Channel, ChannelSpec>;

/** Events from main to the renderer. */
export const ipcEvents = {
  'session:changed': SessionState,
  'sync:status': SyncStatus,
  'replica:changed': ReplicaChanged,
  /** Settings were saved (by any window), so every window applies them. */
  'settings:changed': Settings,
  /** A conversation left the user's scope (show "reassigned to B"; its unsent writes are in the tray). */
  'conversation:revoked': ConversationRevoked,
  /** Another member's presence in a conversation. */
  'presence:changed': PresenceChanged,
  /** Upload progress of a staged file (the outbox sends its message once the server has it). */
  'media:progress': MediaProgress,
  /** Upload progress of a template's media header sample (`admin:uploadTemplateMedia`). */
  'templateMedia:progress': TemplateMediaProgress,
} as const satisfies Record<EventName, z.ZodType>;

/** What a caller passes (before defaults are applied). */
export type In<C extends Channel> = z.input<(typeof ipc)[C]['input']>;
/** What a handler receives (after parsing). */
export type Parsed<C extends Channel> = z.output<(typeof ipc)[C]['input']>;
/** What a handler returns. */
export type Out<C extends Channel> = z.output<(typeof ipc)[C]['output']>;
/** An event payload. */
export type EventPayload<E extends EventName> = z.output<(typeof ipcEvents)[E]>;

/** Every channel name, in table order (the list in `names.ts`). */
export const channels: readonly Channel[] = channelNames;

/** The result schema of a channel, for validating what comes back over the boundary. */
export const outputResult = <C extends Channel>(c: C) => resultSchema(ipc[c].output);

/** The API the preload exposes as `window.parley`: one function per channel plus `on`. */
export type ParleyApi = {
  [C in Channel]: (input: In<C>) => Promise<Result<Out<C>>>;
} & {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
};

/** One handler per channel, receiving parsed input; the mapped type forces completeness. */
export type IpcHandlers = {
  [C in Channel]: (input: Parsed<C>) => Promise<Result<Out<C>>>;
};

/**
 * What `createClientCore(deps)` (src/core) returns and what every host drives: the Electron
 * utility process, the browser harness and tests. Hosts parse input with the contract before
 * calling a handler, and forward events to the renderer.
 */
export interface CoreApi {
  /** The channel handlers. */
  handlers: IpcHandlers;
  /** Subscribes to core events; returns the unsubscribe function. */
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
  /** Stops timers and sockets and closes the replica. */
  close(): Promise<void>;
}
