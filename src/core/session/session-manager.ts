import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthResponse, SessionUser } from '#contract/api/auth';
import type { Parsed, SessionState } from '#contract/ipc/contract';
import { err, ok, type AppError, type Result } from '#contract/result';
import type { Clock, Logger, TokenStore } from '../deps';
import { openReplicaDb, type OpenReplica } from '../db/open-db';
import { deleteReplicaFile, normalizeServerUrl, replicaFileName, replicasDir } from '../db/replica-file';
import { ensureClientId, readUser, writeSessionFacts } from '../replica/meta-store';
import type { StatusTracker } from '../sync/status-tracker';
import type { AuthClient } from './auth-client';
import { createSessionFile } from './session-file';

/** Refresh this long before the access token expires (or at half its life if shorter). */
const REFRESH_MARGIN_MS = 60_000;
/** Retry delays for a refresh that could not reach the server. */
const RETRY_DELAYS_MS = [5_000, 10_000, 30_000, 60_000];
/** Error codes after which the refresh token is dead and the session is over. */
const DEAD_SESSION: ReadonlySet<AppError['code']> = new Set([
  'unauthorized',
  'token_expired',
  'session_revoked',
  'invalid_credentials',
]);

/** The token-store key of a replica's refresh token. */
const tokenKeyFor = (replicaFile: string): string => `refresh:${replicaFile}`;

/** The live session: who, where, the open replica and the in-memory access token. */
interface Active {
  serverUrl: string;
  user: SessionUser;
  replica: OpenReplica;
  replicaPath: string;
  tokenKey: string;
  accessToken: string | null;
  accessExpiresAt: number;
}

/** Session use cases behind the `session:*` and `profile:*` channels. */
export interface SessionManager {
  /** Restores the last session from disk (offline-capable); call once at startup. */
  restore(): Promise<void>;
  state(): SessionState;
  signIn(input: Parsed<'session:signIn'>): Promise<Result<SessionState>>;
  signOut(input: Parsed<'session:signOut'>): Promise<Result<SessionState>>;
  /** Redeems an invitation and signs in as the new member (ending any current session). */
  acceptInvite(input: Parsed<'session:acceptInvite'>): Promise<Result<SessionState>>;
  /**
   * Runs an online-only call with the session's server and a valid access token (refreshed
   * first when needed and once more on a 401), as the profile calls do.
   */
  withToken<T>(call: (serverUrl: string, accessToken: string) => Promise<Result<T>>): Promise<Result<T>>;
  updateProfile(input: Parsed<'profile:update'>): Promise<Result<SessionUser>>;
  changePassword(input: Parsed<'profile:changePassword'>): Promise<Result<{ changed: true }>>;
  /**
   * The live session's server, user and open replica (with its file), which the core's sync
   * engine, queries and commands run on; null when signed out.
   */
  current(): { serverUrl: string; user: SessionUser; replica: OpenReplica; replicaPath: string } | null;
  /**
   * A valid access token for the sync engine: refreshed first when missing or expired, or when
   * `force` is set (the server refused the current one). Single-flight like every refresh.
   */
  accessToken(opts?: { force?: boolean }): Promise<Result<string>>;
  /** Stops timers and closes the replica without signing out. */
  close(): void;
}

/** Builds the session manager over its narrow deps. */
export function createSessionManager(deps: {
  dataDir: string;
  migrationsDir: string;
  auth: AuthClient;
  tokenStore: TokenStore;
  clock: Clock;
  logger: Logger;
  status: StatusTracker;
  onChange: (s: SessionState) => void;
  /** Called just before the replica closes (sign-out, session end, shutdown): stop its users. */
  onReplicaClosing?: (replica: OpenReplica) => void;
}): SessionManager {
  const { auth, tokenStore, clock, logger, status } = deps;
  const sessionFile = createSessionFile(deps.dataDir);
  const tokenStorage = tokenStore.isSecure ? 'secure' : 'memory';
  let active: Active | null = null;
  let lastServerUrl: string | null = sessionFile.read().lastServerUrl;
  let timer: unknown = null;
  let retryIndex = 0;
  let refreshing: Promise<Result<null>> | null = null;
  let closed = false;

  const state = (): SessionState =>
    active
      ? { status: 'signed_in', serverUrl: active.serverUrl, user: active.user, tokenStorage }
      : { status: 'signed_out', lastServerUrl };
  const changed = (): void => deps.onChange(state());

  const cancelTimer = (): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };
  const schedule = (ms: number): void => {
    cancelTimer();
    if (closed) return;
    timer = clock.setTimeout(() => {
      timer = null;
      void refresh();
    }, ms);
  };
  const scheduleRefresh = (a: Active): void => {
    const left = a.accessExpiresAt - clock.now();
    schedule(Math.max(0, left - Math.min(REFRESH_MARGIN_MS, left / 2)));
  };

  /** Opens (and migrates) the replica of one (server, organization, user). */
  const openFor = (serverUrl: string, organizationId: string, userId: string) => {
    const dir = replicasDir(deps.dataDir);
    mkdirSync(dir, { recursive: true });
    const fileName = replicaFileName(serverUrl, organizationId, userId);
    const path = join(dir, fileName);
    return { fileName, path, replica: openReplicaDb(path, deps.migrationsDir) };
  };

  /** The live session over an opened replica (its clientId is created on first use). */
  const sessionOver = (serverUrl: string, user: SessionUser, opened: ReturnType<typeof openFor>): Active => {
    ensureClientId(opened.replica.db, clock.now());
    return {
      serverUrl,
      user,
      replica: opened.replica,
      replicaPath: opened.path,
      tokenKey: tokenKeyFor(opened.fileName),
      accessToken: null,
      accessExpiresAt: 0,
    };
  };

  /** Takes new tokens: access token in memory, refresh token in the store, timer re-armed. */
  const adopt = async (a: Active, r: AuthResponse): Promise<void> => {
    a.accessToken = r.accessToken;
    a.accessExpiresAt = Date.parse(r.accessTokenExpiresAt);
    if (!Number.isFinite(a.accessExpiresAt)) a.accessExpiresAt = clock.now() + 5 * 60_000;
    await tokenStore.save(a.tokenKey, r.refreshToken);
    retryIndex = 0;
    scheduleRefresh(a);
  };

  /** Ends the local session: timers, token, replica (optionally deleted), pointer file. */
  const endLocal = async (wipe: boolean): Promise<void> => {
    cancelTimer();
    const a = active;
    active = null;
    if (!a) return;
    await tokenStore.clear(a.tokenKey);
    deps.onReplicaClosing?.(a.replica);
    a.replica.close();
    if (wipe) deleteReplicaFile(a.replicaPath);
    sessionFile.write({ current: null, lastServerUrl });
  };

  /** Rotates the refresh token. Single-flight: a rotated token is single-use. */
  const refresh = (): Promise<Result<null>> => {
    refreshing ??= (async (): Promise<Result<null>> => {
      const a = active;
      if (!a) return err({ code: 'unauthorized', message: 'You are signed out.' });
      const token = await tokenStore.load(a.tokenKey);
      if (!token) {
        logger.warn('session: refresh token missing; signing out locally');
        await endLocal(false);
        status.idle();
        changed();
        return err({ code: 'unauthorized', message: 'Your session has ended. Sign in again.' });
      }
      const r = await auth.refresh(a.serverUrl, token);
      if (active !== a) return err({ code: 'unauthorized', message: 'You are signed out.' });
      if (r.ok) {
        await adopt(a, r.value);
        if (JSON.stringify(a.user) !== JSON.stringify(r.value.user)) {
          a.user = r.value.user;
          writeSessionFacts(a.replica.db, { serverUrl: a.serverUrl, user: a.user, at: clock.now() });
          changed();
        }
        return ok(null);
      }
      if (DEAD_SESSION.has(r.error.code)) {
        logger.info('session: refresh refused; signing out locally', { code: r.error.code });
        await endLocal(false);
        status.idle();
        changed();
        return err({ code: 'session_revoked', message: 'Your session has ended. Sign in again.' });
      }
      // Unreachable or a server problem: stay signed in (offline-first) and try again later.
      const delay = RETRY_DELAYS_MS[Math.min(retryIndex, RETRY_DELAYS_MS.length - 1)] ?? 60_000;
      retryIndex += 1;
      schedule(delay);
      return r;
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  /** Runs an authenticated call; refreshes first when needed and once more on a 401. */
  const authed = async <T>(
    call: (a: Active, accessToken: string) => Promise<Result<T>>,
  ): Promise<Result<T>> => {
    const a = active;
    if (!a) return err({ code: 'unauthorized', message: 'Sign in first.' });
    if (!a.accessToken || a.accessExpiresAt <= clock.now()) {
      const r = await refresh();
      if (!r.ok) return r;
    }
    const first = await call(a, a.accessToken as string);
    if (first.ok || (first.error.code !== 'unauthorized' && first.error.code !== 'token_expired'))
      return first;
    const r = await refresh();
    if (!r.ok) return r;
    return call(a, a.accessToken as string);
  };

  return {
    state,
    current: () =>
      active
        ? {
            serverUrl: active.serverUrl,
            user: active.user,
            replica: active.replica,
            replicaPath: active.replicaPath,
          }
        : null,

    async accessToken(opts) {
      const a = active;
      if (!a) return err({ code: 'unauthorized', message: 'Sign in first.' });
      if (opts?.force || !a.accessToken || a.accessExpiresAt <= clock.now()) {
        const r = await refresh();
        if (!r.ok) return r;
      }
      return a.accessToken ? ok(a.accessToken) : err({ code: 'unauthorized', message: 'Sign in first.' });
    },

    async restore() {
      const pointer = sessionFile.read();
      lastServerUrl = pointer.lastServerUrl;
      const cur = pointer.current;
      if (!cur) return;
      const tokenKey = tokenKeyFor(cur.replicaFile);
      const token = await tokenStore.load(tokenKey);
      if (!token) {
        // A memory-only store loses the token with the process: sign in again.
        sessionFile.write({ current: null, lastServerUrl });
        return;
      }
      const opened = openFor(cur.serverUrl, cur.organizationId, cur.userId);
      const user = readUser(opened.replica.db);
      if (!user || opened.fileName !== cur.replicaFile) {
        opened.replica.close();
        await tokenStore.clear(tokenKey);
        sessionFile.write({ current: null, lastServerUrl });
        return;
      }
      active = sessionOver(cur.serverUrl, user, opened);
      changed();
      status.connecting();
      // Not awaited: an offline start shows the last user at once and keeps retrying.
      void refresh();
    },

    async signIn(input) {
      status.connecting();
      const serverUrl = normalizeServerUrl(input.serverUrl);
      const r = await auth.login(serverUrl, {
        email: input.email,
        password: input.password,
        organizationId: input.organizationId,
      });
      return begin(serverUrl, r);
    },

    async acceptInvite(input) {
      status.connecting();
      const serverUrl = normalizeServerUrl(input.serverUrl);
      const r = await auth.acceptInvitation(serverUrl, {
        token: input.token,
        name: input.name,
        password: input.password,
      });
      return begin(serverUrl, r);
    },

    withToken: (call) => authed((a, token) => call(a.serverUrl, token)),

    async signOut(input) {
      await endSession(input.wipeReplica);
      return ok(state());
    },

    async updateProfile(input) {
      const r = await authed((a, token) => auth.updateMe(a.serverUrl, token, { name: input.name }));
      const a = active;
      if (r.ok && a) {
        a.user = r.value;
        writeSessionFacts(a.replica.db, { serverUrl: a.serverUrl, user: a.user, at: clock.now() });
        changed();
      }
      return r;
    },

    async changePassword(input) {
      const r = await authed(async (a, token) => {
        const refreshToken = (await tokenStore.load(a.tokenKey)) ?? undefined;
        return auth.changePassword(a.serverUrl, token, { ...input, refreshToken });
      });
      if (!r.ok) {
        return r.error.code === 'invalid_credentials'
          ? err({ code: 'invalid_credentials', message: 'The current password is wrong.' })
          : r;
      }
      if (r.value && active) await adopt(active, r.value);
      return ok({ changed: true as const });
    },

    close() {
      closed = true;
      cancelTimer();
      if (active) deps.onReplicaClosing?.(active.replica);
      active?.replica.close();
      active = null;
    },
  };

  /** Starts a session from a sign-in's answer (login or an accepted invitation). */
  async function begin(serverUrl: string, r: Result<AuthResponse>): Promise<Result<SessionState>> {
    if (!r.ok) {
      if (r.error.code !== 'server_unreachable' && !active) status.idle();
      return r;
    }
    if (active) await endSession(false);
    const { user } = r.value;
    const opened = openFor(serverUrl, user.organizationId, user.id);
    const a = sessionOver(serverUrl, user, opened);
    try {
      writeSessionFacts(opened.replica.db, { serverUrl, user, at: clock.now() });
      await adopt(a, r.value);
    } catch (e) {
      // Never leave a replica open that no session owns.
      cancelTimer();
      opened.replica.close();
      throw e;
    }
    active = a;
    lastServerUrl = serverUrl;
    sessionFile.write({
      current: {
        serverUrl,
        organizationId: user.organizationId,
        userId: user.id,
        replicaFile: opened.fileName,
      },
      lastServerUrl,
    });
    status.succeeded();
    changed();
    return ok(state());
  }

  /** Sign-out: server logout best-effort (not awaited), then the local end, then the event. */
  async function endSession(wipe: boolean): Promise<void> {
    const a = active;
    if (a) {
      const token = await tokenStore.load(a.tokenKey);
      if (token) {
        void auth.logout(a.serverUrl, token).then((r) => {
          if (!r.ok) logger.info('session: server logout failed (ignored)', { code: r.error.code });
        });
      }
    }
    await endLocal(wipe);
    status.idle();
    changed();
  }
}
