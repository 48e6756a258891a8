import type { Channel, EventName, EventPayload, In, Out, ParleyApi } from '#contract/ipc/contract';
import { err, type Result } from '#contract/result';
import { mediaSourceOf, type MediaSource } from './media-channels';

/**
 * Typed wrappers over `window.parley`, one per contract channel. Every call resolves to a
 * `Result`: a rejected promise (the bridge to the app's background service broke) becomes an
 * `internal` error value, so components only ever branch on `result.ok`.
 */
export interface ParleyClient {
  /** Facts about the running app (version, default server URL, secure storage). */
  appInfo(): Promise<Result<Out<'app:info'>>>;
  /**
   * Tells the desktop shell the notification opt-in, the unread badge count, or to bring the
   * window forward; an empty object reads the current state.
   */
  setAttention(input: In<'app:setAttention'>): Promise<Result<Out<'app:setAttention'>>>;
  /** The current session. */
  getSession(): Promise<Result<Out<'session:get'>>>;
  /** Signs in to a server; resolves to the new session. */
  signIn(input: In<'session:signIn'>): Promise<Result<Out<'session:signIn'>>>;
  /** Signs out; `wipeReplica` also deletes the local copy of the data. */
  signOut(input: In<'session:signOut'>): Promise<Result<Out<'session:signOut'>>>;
  /** Changes the signed-in user's display name. */
  updateProfile(input: In<'profile:update'>): Promise<Result<Out<'profile:update'>>>;
  /** Changes the signed-in user's password. */
  changePassword(input: In<'profile:changePassword'>): Promise<Result<Out<'profile:changePassword'>>>;
  /** The desktop preferences. */
  getSettings(): Promise<Result<Out<'settings:get'>>>;
  /** Changes some desktop preferences; resolves to all of them. */
  setSettings(input: In<'settings:set'>): Promise<Result<Out<'settings:set'>>>;
  /** The current connection and sync state. */
  syncStatus(): Promise<Result<Out<'sync:getStatus'>>>;
  // ---- the conversation view and composer (local replica + outbox; never wait on the network) ----
  // ---- the inbox (local replica; keyset pages; re-read on `replica:changed`) ----
  /** One keyset page of a view's tab, newest activity first; filters and search combine. */
  listConversations(input: In<'conversations:list'>): Promise<Result<Out<'conversations:list'>>>;
  /** Tab counts of a view (total, unread, important per status), maintained by the core. */
  conversationCounts(input: In<'conversations:counts'>): Promise<Result<Out<'conversations:counts'>>>;
  /** Every write not yet confirmed, and the failed ones (the outbox tray). */
  listOutbox(): Promise<Result<Out<'outbox:list'>>>;
  /** Pauses or resumes the background download of older history. */
  setBackfill(input: In<'sync:setBackfill'>): Promise<Result<Out<'sync:setBackfill'>>>;
  /** One conversation with its contact and draft; `not_found` when not in the replica. */
  getConversation(input: In<'conversation:get'>): Promise<Result<Out<'conversation:get'>>>;
  /** A page of a thread (newest without `beforeConvSeq`), pending messages last. */
  listMessages(input: In<'messages:list'>): Promise<Result<Out<'messages:list'>>>;
  /** The internal notes of a conversation, oldest first. */
  listNotes(input: In<'notes:list'>): Promise<Result<Out<'notes:list'>>>;
  /** Synced templates, optionally filtered by WhatsApp number and status. */
  listTemplates(input: In<'templates:list'>): Promise<Result<Out<'templates:list'>>>;
  /** Members of the organization. */
  listMembers(): Promise<Result<Out<'members:list'>>>;
  /** Teams of the organization. */
  listTeams(): Promise<Result<Out<'teams:list'>>>;
  /** Queues a message (text, media, template, location, reaction). */
  sendMessage(input: In<'messages:send'>): Promise<Result<Out<'messages:send'>>>;
  /** Queues a status change (resolve, reopen, snooze). */
  setConversationStatus(input: In<'conversation:setStatus'>): Promise<Result<Out<'conversation:setStatus'>>>;
  /** Queues an assignment (managers and admins). */
  assignConversation(input: In<'conversation:assign'>): Promise<Result<Out<'conversation:assign'>>>;
  /** Queues a claim of an unassigned conversation. */
  claimConversation(input: In<'conversation:claim'>): Promise<Result<Out<'conversation:claim'>>>;
  /** Queues the important flag. */
  setConversationImportant(
    input: In<'conversation:setImportant'>,
  ): Promise<Result<Out<'conversation:setImportant'>>>;
  /** Queues the label set. */
  setConversationLabels(input: In<'conversation:setLabels'>): Promise<Result<Out<'conversation:setLabels'>>>;
  /** Moves the read marker forward. */
  markConversationRead(input: In<'conversation:markRead'>): Promise<Result<Out<'conversation:markRead'>>>;
  /** Queues an internal note. */
  addNote(input: In<'note:add'>): Promise<Result<Out<'note:add'>>>;
  /** Queues a contact edit. */
  updateContact(input: In<'contact:update'>): Promise<Result<Out<'contact:update'>>>;
  /** Re-queues a failed write as a new one. */
  retryOutbox(input: In<'outbox:retry'>): Promise<Result<Out<'outbox:retry'>>>;
  /** Drops a failed or never-sent write. */
  discardOutbox(input: In<'outbox:discard'>): Promise<Result<Out<'outbox:discard'>>>;
  /** The saved draft of a conversation. */
  getDraft(input: In<'drafts:get'>): Promise<Result<Out<'drafts:get'>>>;
  /** Saves (or, with empty text, deletes) a draft. */
  setDraft(input: In<'drafts:set'>): Promise<Result<Out<'drafts:set'>>>;
  /** Downloads a message's media into the local cache. */
  getMedia(input: In<'media:get'>): Promise<Result<Out<'media:get'>>>;
  /** Tells teammates which conversation is on screen and whether you are typing. */
  setPresence(input: In<'presence:set'>): Promise<Result<Out<'presence:set'>>>;
  /** Downloads a message's media into the local cache and says where the page can load it. */
  getMediaSource(input: In<'media:get'>): Promise<Result<MediaSource>>;
  /** Hands a picked file to the core, which keeps it on this device until it can upload it. */
  stageMedia(input: In<'media:stage'>): Promise<Result<Out<'media:stage'>>>;
  /** Opens a message's file with the system's default app (desktop app only). */
  openMedia(input: In<'media:open'>): Promise<Result<Out<'media:open'>>>;
  /** Saves a message's file where the person chooses (desktop app only). */
  saveMedia(input: In<'media:save'>): Promise<Result<Out<'media:save'>>>;
  /** Subscribes to an app event; returns the unsubscribe function. */
  subscribe<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
}

/** The sentence shown when the bridge itself fails, which is a bug or a crashed background service. */
export const BRIDGE_FAILURE_MESSAGE =
  'Parley could not reach its background service. Restart the app and try again.';

/** Builds the typed client over a `ParleyApi` (the preload's, the harness bridge's or a test fake). */
export function createParleyClient(api: ParleyApi): ParleyClient {
  const call = async <C extends Channel>(channel: C, input: In<C>): Promise<Result<Out<C>>> => {
    // The mapped type cannot be indexed generically without widening; each call site is typed.
    const fn = api[channel] as (input: In<C>) => Promise<Result<Out<C>>>;
    try {
      return await fn(input);
    } catch (cause) {
      console.error(`parley: ${channel} failed`, cause);
      return err({ code: 'internal', message: BRIDGE_FAILURE_MESSAGE });
    }
  };
  return {
    appInfo: () => call('app:info', undefined),
    setAttention: (input) => call('app:setAttention', input),
    getSession: () => call('session:get', undefined),
    signIn: (input) => call('session:signIn', input),
    signOut: (input) => call('session:signOut', input),
    updateProfile: (input) => call('profile:update', input),
    changePassword: (input) => call('profile:changePassword', input),
    getSettings: () => call('settings:get', undefined),
    setSettings: (input) => call('settings:set', input),
    syncStatus: () => call('sync:getStatus', undefined),
    listConversations: (input) => call('conversations:list', input),
    conversationCounts: (input) => call('conversations:counts', input),
    listOutbox: () => call('outbox:list', undefined),
    setBackfill: (input) => call('sync:setBackfill', input),
    getConversation: (input) => call('conversation:get', input),
    listMessages: (input) => call('messages:list', input),
    listNotes: (input) => call('notes:list', input),
    listTemplates: (input) => call('templates:list', input),
    listMembers: () => call('members:list', undefined),
    listTeams: () => call('teams:list', undefined),
    sendMessage: (input) => call('messages:send', input),
    setConversationStatus: (input) => call('conversation:setStatus', input),
    assignConversation: (input) => call('conversation:assign', input),
    claimConversation: (input) => call('conversation:claim', input),
    setConversationImportant: (input) => call('conversation:setImportant', input),
    setConversationLabels: (input) => call('conversation:setLabels', input),
    markConversationRead: (input) => call('conversation:markRead', input),
    addNote: (input) => call('note:add', input),
    updateContact: (input) => call('contact:update', input),
    retryOutbox: (input) => call('outbox:retry', input),
    discardOutbox: (input) => call('outbox:discard', input),
    getDraft: (input) => call('drafts:get', input),
    setDraft: (input) => call('drafts:set', input),
    getMedia: (input) => call('media:get', input),
    setPresence: (input) => call('presence:set', input),
    getMediaSource: async (input) => {
      const r = await call('media:get', input);
      return r.ok ? { ok: true, value: mediaSourceOf(r.value) } : r;
    },
    stageMedia: (input) => call('media:stage', input),
    openMedia: (input) => call('media:open', input),
    saveMedia: (input) => call('media:save', input),
    subscribe: (event, cb) => api.on(event, cb),
  };
}
