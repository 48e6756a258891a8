import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CoreApi, EventName, EventPayload, SessionState } from '#contract/ipc/contract';
import { createClientCore, type ClientCoreDeps } from '../index';
import { createMemoryTokenStore, silentLogger, type TokenStore } from '../deps';
import { createFakeClock, type FakeClock } from '../testing/fake-clock';
import { startStubAuthServer, unreachableUrl, type StubAuthServer } from '../testing/stub-auth-server';

// The server (server/src/app.ts) does not exist yet in this tree, so these flows run against a
// Fastify stub of its auth contract over real HTTP with global fetch.

let server: StubAuthServer;
let clock: FakeClock;
let dataDir: string;
let tokens: TokenStore;
const cores: CoreApi[] = [];

/** A token store that survives a "restart", like safeStorage does. */
function persistentTokenStore(): TokenStore {
  return { ...createMemoryTokenStore(), isSecure: true } as TokenStore;
}

function makeCore(over: Partial<ClientCoreDeps> = {}): CoreApi {
  const core = createClientCore({
    dataDir,
    defaultServerUrl: server.url,
    fetch: (input, init) => fetch(input, init),
    clock,
    logger: silentLogger,
    tokenStore: tokens,
    appInfo: { version: '0.0.0-test', platform: 'linux' },
    // Session behaviour only: no sync engine, so the status follows the HTTP requests.
    syncTransport: null,
    ...over,
  });
  cores.push(core);
  return core;
}

function record<E extends EventName>(core: CoreApi, event: E): EventPayload<E>[] {
  const seen: EventPayload<E>[] = [];
  core.on(event, (p) => seen.push(p));
  return seen;
}

const signIn = (core: CoreApi, password = server.password, serverUrl = server.url) =>
  core.handlers['session:signIn']({ serverUrl, email: server.user.email, password });

beforeEach(async () => {
  clock = createFakeClock(Date.now());
  server = await startStubAuthServer(() => clock.now());
  dataDir = mkdtempSync(join(tmpdir(), 'parley-core-'));
  tokens = persistentTokenStore();
});

afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  await server.close();
});

describe('sign in', () => {
  it('signs in, opens the per-user replica, keeps the refresh token in the store and emits', async () => {
    const core = makeCore();
    const changes = record(core, 'session:changed');
    const status = record(core, 'sync:status');
    const r = await signIn(core);
    expect(r).toEqual({
      ok: true,
      value: { status: 'signed_in', serverUrl: server.url, user: server.user, tokenStorage: 'secure' },
    });
    expect(changes.at(-1)?.status).toBe('signed_in');
    expect(status.map((s) => s.state)).toContain('connecting');
    expect(status.at(-1)).toMatchObject({ state: 'online', outboxSize: 0, offlineSince: null });
    expect(readdirSync(join(dataDir, 'replicas')).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
    const stored = await tokens.load(
      `refresh:${readdirSync(join(dataDir, 'replicas')).find((f) => f.endsWith('.sqlite'))}`,
    );
    expect(server.liveRefreshTokens.has(stored ?? '')).toBe(true);
  });

  it('reports a wrong password in a sentence', async () => {
    const core = makeCore();
    const r = await signIn(core, 'not the password');
    expect(r).toEqual({
      ok: false,
      error: { code: 'invalid_credentials', message: 'Wrong email or password.' },
    });
    expect(await core.handlers['session:get'](undefined)).toMatchObject({
      ok: true,
      value: { status: 'signed_out' },
    });
  });

  it('reports an unreachable server with its address', async () => {
    const core = makeCore();
    const status = record(core, 'sync:status');
    const url = await unreachableUrl();
    const r = await signIn(core, server.password, url);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('server_unreachable');
    expect(r.error.message).toBe(`Cannot reach the server at ${url}. Check the address and your connection.`);
    expect(status.at(-1)).toMatchObject({
      state: 'offline',
      offlineSince: new Date(clock.now()).toISOString(),
    });
  });

  it('reports a rate limit with the seconds to wait', async () => {
    server.rateLimitSeconds = 42;
    const core = makeCore();
    const r = await signIn(core);
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', message: 'Too many attempts, try again in 42 s.' },
    });
  });

  it('reports a URL that is not a Parley server', async () => {
    const core = makeCore();
    const r = await signIn(core, server.password, `${server.url}/not-parley`);
    expect(r).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
  });
});

describe('token refresh', () => {
  it('rotates the refresh token before the access token expires', async () => {
    const core = makeCore();
    await signIn(core);
    const before = [...server.liveRefreshTokens];
    expect(before).toHaveLength(1);
    clock.advance(15 * 60_000 - 59_000); // one second past the refresh point
    await vi.waitFor(() => expect(server.calls.refresh).toBe(1));
    await vi.waitFor(() => expect(server.liveRefreshTokens.has(before[0]!)).toBe(false));
    // The new token is the one stored, and the next refresh is scheduled.
    const file = readdirSync(join(dataDir, 'replicas')).find((f) => f.endsWith('.sqlite'));
    await vi.waitFor(async () =>
      expect(server.liveRefreshTokens.has((await tokens.load(`refresh:${file}`))!)).toBe(true),
    );
    expect(clock.pending().length).toBe(1);
  });

  it('refreshes once and retries when an authenticated call gets a 401', async () => {
    const core = makeCore();
    await signIn(core);
    server.liveAccessTokens.clear();
    const r = await core.handlers['profile:update']({ name: 'Ada Lovelace' });
    expect(r).toMatchObject({ ok: true, value: { name: 'Ada Lovelace' } });
    expect(server.calls.refresh).toBe(1);
    expect(server.calls.patchMe).toBe(2);
  });

  it('signs out locally when the server refuses the refresh token', async () => {
    const core = makeCore();
    await signIn(core);
    server.liveRefreshTokens.clear();
    const changes = record(core, 'session:changed');
    clock.advance(15 * 60_000);
    await vi.waitFor(() => expect(changes.at(-1)?.status).toBe('signed_out'));
  });
});

describe('restore at startup', () => {
  it('restores the session from the stored refresh token and refreshes it', async () => {
    await signIn(makeCore());
    await cores[0]!.close();
    const core = makeCore();
    const status = record(core, 'sync:status');
    const s = await core.handlers['session:get'](undefined);
    expect(s).toMatchObject({ ok: true, value: { status: 'signed_in', user: { id: server.user.id } } });
    await vi.waitFor(() => expect(status.at(-1)?.state).toBe('online'));
    expect(server.calls.refresh).toBe(1);
  });

  it('starting offline still shows the last signed-in user and reports offline', async () => {
    await signIn(makeCore());
    await cores[0]!.close();
    await server.close();
    const core = makeCore();
    const status = record(core, 'sync:status');
    const s = await core.handlers['session:get'](undefined);
    expect(s).toMatchObject({ ok: true, value: { status: 'signed_in', user: { email: server.user.email } } });
    await vi.waitFor(() => expect(status.at(-1)?.state).toBe('offline'));
    expect(status.at(-1)?.lastError).toContain('Cannot reach the server');
    // It keeps trying rather than signing out.
    expect(clock.pending().length).toBe(1);
  });

  it('with a memory-only token store, a restart means signing in again', async () => {
    tokens = createMemoryTokenStore();
    await signIn(makeCore());
    await cores[0]!.close();
    tokens = createMemoryTokenStore(); // the process ended
    const core = makeCore();
    expect(await core.handlers['session:get'](undefined)).toEqual({
      ok: true,
      value: { status: 'signed_out', lastServerUrl: server.url },
    });
  });

  it('signs in automatically in demo mode when nothing was restored', async () => {
    const core = makeCore({
      autoSignIn: { serverUrl: server.url, email: server.user.email, password: server.password },
    });
    expect(await core.handlers['session:get'](undefined)).toMatchObject({
      ok: true,
      value: { status: 'signed_in' },
    });
  });
});

describe('sign out', () => {
  const replicaFiles = () => readdirSync(join(dataDir, 'replicas')).filter((f) => f.endsWith('.sqlite'));

  it('logs out on the server, forgets the token and keeps the replica by default', async () => {
    const core = makeCore();
    await signIn(core);
    const changes = record(core, 'session:changed');
    const r = await core.handlers['session:signOut']({ wipeReplica: false });
    const expected: SessionState = { status: 'signed_out', lastServerUrl: server.url };
    expect(r).toEqual({ ok: true, value: expected });
    expect(changes.at(-1)).toEqual(expected);
    await vi.waitFor(() => expect(server.calls.logout).toBe(1));
    expect(server.liveRefreshTokens.size).toBe(0);
    expect(replicaFiles()).toHaveLength(1);
    expect(await tokens.load(`refresh:${replicaFiles()[0]}`)).toBeNull();
  });

  it('deletes the replica file when asked to wipe', async () => {
    const core = makeCore();
    await signIn(core);
    const [file] = replicaFiles();
    await core.handlers['session:signOut']({ wipeReplica: true });
    expect(existsSync(join(dataDir, 'replicas', file!))).toBe(false);
    expect(existsSync(join(dataDir, 'replicas', `${file}-wal`))).toBe(false);
  });

  it('signs out locally even when the server is unreachable', async () => {
    const core = makeCore();
    await signIn(core);
    await server.close();
    const r = await core.handlers['session:signOut']({ wipeReplica: false });
    expect(r).toMatchObject({ ok: true, value: { status: 'signed_out' } });
  });
});

describe('profile', () => {
  it('updates the name and emits the new session', async () => {
    const core = makeCore();
    await signIn(core);
    const changes = record(core, 'session:changed');
    const r = await core.handlers['profile:update']({ name: 'Ada L.' });
    expect(r).toMatchObject({ ok: true, value: { name: 'Ada L.' } });
    expect(changes.at(-1)).toMatchObject({ status: 'signed_in', user: { name: 'Ada L.' } });
  });

  it('changes the password and keeps this session alive', async () => {
    const core = makeCore();
    await signIn(core);
    const ok = await core.handlers['profile:changePassword']({
      currentPassword: server.password,
      newPassword: 'a much longer password',
    });
    expect(ok).toEqual({ ok: true, value: { changed: true } });
    expect(server.liveRefreshTokens.size).toBe(1);
    const wrong = await core.handlers['profile:changePassword']({
      currentPassword: 'nope',
      newPassword: 'another long password',
    });
    expect(wrong).toEqual({
      ok: false,
      error: { code: 'invalid_credentials', message: 'The current password is wrong.' },
    });
  });

  it('refuses profile calls while signed out', async () => {
    const core = makeCore();
    expect(await core.handlers['profile:update']({ name: 'X' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  });
});

describe('failures inside the core', () => {
  it('turn a throwing dependency into an internal error value, and the core keeps serving', async () => {
    tokens = {
      ...createMemoryTokenStore(),
      isSecure: true,
      save: async () => {
        throw new Error('keyring locked');
      },
    };
    const core = makeCore();
    expect(await signIn(core)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong. Try again.' },
    });
    expect(await core.handlers['settings:get'](undefined)).toEqual({ ok: true, value: { theme: 'system' } });
  });

  it('ignores a corrupt session.json and settings.json at startup', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dataDir, 'session.json'), '{"current": {"replicaFile": "../../etc/passwd"}');
    writeFileSync(join(dataDir, 'settings.json'), '{"theme": "neon"}');
    const core = makeCore();
    expect(await core.handlers['session:get'](undefined)).toEqual({
      ok: true,
      value: { status: 'signed_out', lastServerUrl: null },
    });
    expect(await core.handlers['settings:get'](undefined)).toEqual({ ok: true, value: { theme: 'system' } });
  });
});

describe('settings and app info', () => {
  it('persists the theme in settings.json outside the replica and emits the change', async () => {
    const core = makeCore();
    const seen = record(core, 'settings:changed');
    expect(await core.handlers['settings:get'](undefined)).toEqual({ ok: true, value: { theme: 'system' } });
    expect(await core.handlers['settings:set']({ theme: 'dark' })).toEqual({
      ok: true,
      value: { theme: 'dark' },
    });
    expect(seen).toEqual([{ theme: 'dark' }]);
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(true);
    await core.close();
    expect(await makeCore().handlers['settings:get'](undefined)).toEqual({
      ok: true,
      value: { theme: 'dark' },
    });
  });

  it('reports the app facts and whether the token storage is secure', async () => {
    tokens = createMemoryTokenStore();
    const core = makeCore();
    expect(await core.handlers['app:info'](undefined)).toEqual({
      ok: true,
      value: {
        version: '0.0.0-test',
        platform: 'linux',
        defaultServerUrl: server.url,
        secureStorageAvailable: false,
      },
    });
    expect(await core.handlers['sync:getStatus'](undefined)).toMatchObject({
      ok: true,
      value: { outboxSize: 0 },
    });
  });
});
