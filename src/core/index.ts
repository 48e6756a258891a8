import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreApi } from '#contract/ipc/contract';
import { err, ok } from '#contract/result';
import {
  createConsoleLogger,
  systemClock,
  type AppFacts,
  type Clock,
  type HttpFetch,
  type Logger,
  type TokenStore,
} from './deps';
import { createAdminHandlers } from './admin/admin-handlers';
import { createIntegrationsHandlers } from './admin/integrations-handlers';
import { createAssignmentHandlers } from './admin/assignment-handlers';
import { resolveMigrationsDir } from './db/migrate';
import { createCoreEvents } from './events';
import { withReplica, wrapHandlers, type HandlerTable } from './handler-table';
import { writeJsonFile } from './fs-util';
import { createAuthClient } from './session/auth-client';
import { createSessionManager } from './session/session-manager';
import { createSettingsStore } from './settings/settings-store';
import { type EngineTiming } from './sync/engine/engine';
import { createStatusTracker } from './sync/status-tracker';
import { openSyncParts, type SyncParts, type SyncTransportFactory } from './sync-parts';

export type { AppFacts, Clock, HttpFetch, Logger, TokenStore } from './deps';
export type { SyncTransport } from './sync/transport';

export type { SyncTransportFactory } from './sync-parts';
export { createMemoryTokenStore, systemClock, silentLogger, createConsoleLogger } from './deps';

/** Everything the client core needs from its host. */
export interface ClientCoreDeps {
  /** Where settings.json, session.json and replicas/ live (Electron: userData). */
  dataDir: string;
  /** The server URL pre-filled on the sign-in screen. */
  defaultServerUrl: string;
  /** HTTP transport (global fetch, or a fake in tests). */
  fetch: HttpFetch;
  /** Keeps the refresh token; decides `tokenStorage` and `secureStorageAvailable`. */
  tokenStore: TokenStore;
  /** Version and platform, reported by `app:info`. */
  appInfo: AppFacts;
  /** Time and timers; defaults to the system clock. */
  clock?: Clock;
  /** Defaults to a stderr logger. */
  logger?: Logger;
  /** Replica migrations folder; defaults to `resolveMigrationsDir()`. */
  migrationsDir?: string;
  /**
   * Demo mode only (`npm start`): sign in with these credentials at startup when no session
   * was restored. Hosts pass it only when PARLEY_DEMO_EMAIL/PASSWORD are set.
   */
  autoSignIn?: { serverUrl: string; email: string; password: string } | null;
  /**
   * The sync transport per signed-in server (default: Socket.IO over WebSocket + fetch). `null`
   * runs the core without a sync engine: the inbox reads and queues writes locally, and the
   * connection status follows the session's HTTP requests (the session tests use this).
   */
  syncTransport?: SyncTransportFactory | null;
  /** Engine tunables (tests shorten timeouts). */
  syncTiming?: Partial<EngineTiming>;
  /** Cap of the media cache in bytes (default 500 MB). */
  mediaCacheBytes?: number;
  /**
   * The URL the page loads a media file from, by media id: `parley://media/<id>` (the default,
   * served by the Electron main process) or the browser harness's `/media/<id>` route.
   */
  mediaUrl?: (mediaId: string) => string;
}

/** The desktop app's media URL: the main process serves it from this device's files. */
export const appMediaUrl = (mediaId: string): string => `parley://media/${mediaId}`;

/**
 * Builds the client core: the session, the replica and the settings behind the IPC contract's
 * handlers. Returns at once; the handlers wait for the startup restore (reading session.json,
 * opening and migrating the replica) before answering, so the first `session:get` is already
 * truthful. Hosts parse inputs with the contract before calling a handler.
 */
export function createClientCore(deps: ClientCoreDeps): CoreApi {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createConsoleLogger('core');
  mkdirSync(deps.dataDir, { recursive: true });
  const migrationsDir = deps.migrationsDir ?? resolveMigrationsDir();
  const mediaUrl = deps.mediaUrl ?? appMediaUrl;

  const events = createCoreEvents((e) => logger.error('core: event listener threw', { error: String(e) }));
  const status = createStatusTracker(clock, (s) => events.emit('sync:status', s));
  const auth = createAuthClient({
    fetch: deps.fetch,
    now: () => clock.now(),
    observe: (r) => (r.reachable ? status.succeeded() : status.failed(r.message)),
  });
  const settings = createSettingsStore(deps.dataDir);
  let sync: SyncParts | null = null;
  const session = createSessionManager({
    dataDir: deps.dataDir,
    migrationsDir,
    auth,
    tokenStore: deps.tokenStore,
    clock,
    logger,
    status,
    onChange: (s) => {
      if (s.status === 'signed_in') startSync();
      events.emit('session:changed', s);
    },
    onReplicaClosing: () => stopSync(),
  });

  /** Starts the replica's engine, queries and commands (idempotent per replica). */
  function startSync(): void {
    const cur = session.current();
    if (!cur || sync?.replica === cur.replica) return;
    stopSync();
    sync = openSyncParts(
      {
        ...deps,
        clock,
        logger,
        events,
        status,
        session,
        mediaUrl,
        onSessionRevoked: () => void sessionRevoked(),
      },
      cur,
    );
    sync.engine?.start();
  }

  /** Stops the engine before its replica closes. */
  function stopSync(): void {
    sync?.engine?.stop();
    if (sync?.engine) status.engine(null);
    sync = null;
  }

  /**
   * The server says this user may no longer sync (deactivated or removed): keep what was not
   * sent in a file next to the replica (the person can still copy it), then wipe the replica.
   */
  async function sessionRevoked(): Promise<void> {
    const s = sync;
    if (s) {
      const unsent = s.commands.list(new Set()).filter((i) => i.text);
      writeJsonFile(
        join(deps.dataDir, 'unsent', `${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}.json`),
        {
          exportedAt: new Date(clock.now()).toISOString(),
          items: unsent,
        },
      );
    }
    await session.signOut({ wipeReplica: true });
  }

  const ready = (async () => {
    await session.restore();
    const demo = deps.autoSignIn;
    if (demo && session.state().status === 'signed_out') {
      const r = await session.signIn({ ...demo, organizationId: undefined });
      if (!r.ok) logger.warn('core: demo sign-in failed', { code: r.error.code, message: r.error.message });
    }
  })().catch((e: unknown) => {
    // A replica that cannot open (disk full, corrupt file) must not take the sign-in screen down.
    logger.error('core: restoring the session failed', { error: String(e) });
  });

  const notFound = { code: 'not_found', message: 'This conversation is not on this device.' } as const;
  const desktopOnly = (what: string) =>
    ({
      code: 'service_unavailable',
      message: `Only the desktop app can ${what} files with your system.`,
    }) as const;
  const inFlight = (s: SyncParts) => s.engine?.inFlight() ?? new Set<number>();

  // Mine and Unassigned alert by default (the renderer's notification preferences agree).
  let attention = { notifications: true, badgeCount: 0 };
  // One entry per channel; `withReplica` ones get the open replica (signed out: `unauthorized`).
  const table: HandlerTable<SyncParts> = {
    'app:info': () =>
      ok({
        version: deps.appInfo.version,
        platform: deps.appInfo.platform,
        defaultServerUrl: deps.defaultServerUrl,
        secureStorageAvailable: deps.tokenStore.isSecure,
      }),
    // The desktop shell answers this itself (src/main/platform/attention.ts); here, for the
    // browser harness and tests, it only remembers the values.
    'app:setAttention': (i) => {
      attention = {
        notifications: i.notifications ?? attention.notifications,
        badgeCount: i.badgeCount ?? attention.badgeCount,
      };
      return ok(attention);
    },
    // Invite deep links reach the desktop shell, which answers this itself (platform/deep-links).
    'app:takeInviteLink': () => ok({ link: null }),
    'session:get': () => ok(session.state()),
    'session:signIn': (i) => session.signIn(i),
    'session:signOut': (i) => session.signOut(i),
    'session:acceptInvite': (i) => session.acceptInvite(i),
    'profile:update': (i) => session.updateProfile(i),
    'profile:changePassword': (i) => session.changePassword(i),
    'settings:get': () => ok(settings.get()),
    'settings:set': (patch) => {
      const next = settings.set(patch);
      events.emit('settings:changed', next);
      return ok(next);
    },
    'sync:getStatus': () => ok(status.current()),

    'conversations:list': withReplica((s, i) => ok(s.queries.listConversations(i))),
    'conversations:counts': withReplica((s, i) => ok(s.queries.counts(i.view, i.teamId))),
    'conversation:get': withReplica((s, i) => {
      const d = s.queries.conversation(i.id);
      return d ? ok(d) : err(notFound);
    }),
    'messages:list': withReplica((s, i) => {
      if (!s.queries.hasConversation(i.conversationId)) return err(notFound);
      if (s.engine) return ok(s.engine.messages(i.conversationId, i.beforeConvSeq, i.limit));
      const r = s.queries.messages(i.conversationId, i.beforeConvSeq, i.limit);
      const hasOlder = r.full ? (r.lowest ?? 1) > 1 : r.floor !== 1;
      return ok({
        items: r.items,
        hasOlder,
        loadingOlder: false,
        historyError: null,
        nextBeforeConvSeq: hasOlder ? r.lowest : null,
      });
    }),
    'messages:range': withReplica((s, i) =>
      s.queries.hasConversation(i.conversationId) ? ok(s.changes.read(i)) : err(notFound),
    ),
    'notes:list': withReplica((s, i) => ok(s.queries.notes(i.conversationId))),
    'templates:list': withReplica((s, i) => ok(s.queries.templates(i))),
    'members:list': withReplica((s) => ok(s.queries.members())),
    'teams:list': withReplica((s) => ok(s.queries.teams())),
    'labels:list': withReplica((s) => ok(s.queries.labels())),
    'cannedResponses:list': withReplica((s) => ok(s.queries.cannedResponses())),
    'organization:businessHours': withReplica((s) => ok(s.queries.businessHours())),
    'messages:send': withReplica((s, i) => s.commands.sendMessage(i)),
    'conversation:setStatus': withReplica((s, i) => s.commands.setStatus(i)),
    'conversation:assign': withReplica((s, i) => s.commands.assign(i)),
    'conversation:claim': withReplica((s, i) => s.commands.claim(i)),
    'conversation:setImportant': withReplica((s, i) => s.commands.setImportant(i)),
    'conversation:setLabels': withReplica((s, i) => s.commands.setLabels(i)),
    'conversation:markRead': withReplica((s, i) => s.commands.markRead(i)),
    'conversation:markUnread': withReplica((s, i) => s.commands.markUnread(i)),
    'note:add': withReplica((s, i) => s.commands.addNote(i)),
    'contact:update': withReplica((s, i) => s.commands.updateContact(i)),
    // Canned responses are written through the outbox, so they work offline (issue 12).
    'admin:createCannedResponse': withReplica((s, i) => s.commands.createCanned(i)),
    'admin:updateCannedResponse': withReplica((s, i) => s.commands.updateCanned(i)),
    'admin:deleteCannedResponse': withReplica((s, i) => s.commands.deleteCanned(i)),
    'outbox:list': withReplica((s) => ok(s.commands.list(inFlight(s)))),
    'outbox:retry': withReplica((s, i) => s.commands.retry(i.mutationId)),
    'outbox:discard': withReplica((s, i) => s.commands.discard(i.mutationId, inFlight(s))),
    'drafts:get': withReplica((s, i) => ok({ text: s.queries.draft(i.conversationId) })),
    'drafts:set': withReplica((s, i) => {
      s.queries.setDraft(i.conversationId, i.text, new Date(clock.now()).toISOString());
      events.emit('replica:changed', { tables: ['drafts'], conversationIds: [i.conversationId] });
      return ok({ saved: true as const });
    }),
    'media:get': withReplica(async (s, i) => {
      const local = s.staged.get(i.mediaId);
      if (local) return ok(local);
      if (!s.media) return err({ code: 'offline', message: 'Media needs a connection to the server.' });
      // A local id whose file has since moved to the cache under the server's id.
      const id = s.staged.adoptedAs(i.mediaId) ?? i.mediaId;
      try {
        return ok({ ...(await s.media.get(id)), mediaId: i.mediaId, url: mediaUrl(i.mediaId) });
      } catch (e) {
        return err({
          code: 'server_unreachable',
          message: `The file could not be downloaded: ${String(e)}`,
        });
      }
    }),
    'media:stage': withReplica((s, i) => s.staged.stage(i)),
    // Opening and saving files need the desktop (shell, save dialog): the Electron main process
    // answers these itself. Other hosts say so, and the page falls back to the file's URL.
    'media:open': () => err(desktopOnly('open')),
    'media:save': () => err(desktopOnly('save')),
    'presence:set': withReplica((s, i) =>
      ok({ sent: s.engine?.presence(i.conversationId, i.typing) ?? false }),
    ),
    'sync:setBackfill': withReplica((s, i) =>
      ok({ paused: s.engine?.setBackfillPaused(i.paused) ?? i.paused }),
    ),
    // The rest of the Settings area: online-only administration over the server's REST API.
    ...createAdminHandlers({ session, auth, events }),
    ...createIntegrationsHandlers({ session, auth }),
    ...createAssignmentHandlers({ session, auth }),
    'workload:get': withReplica((s) => ok(s.queries.workload())),
  };
  const handlers = wrapHandlers(table, {
    ready,
    logger,
    replica: () => {
      // A handler over the replica is the person using the app: the backfill yields.
      sync?.engine?.touch();
      return sync;
    },
  });

  return {
    handlers,
    on: (event, cb) => events.on(event, cb),
    async close() {
      await ready;
      session.close();
    },
  };
}
