import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClientCore } from '../index';
import { silentLogger } from '../deps';
import { startStubAuthServer, type StubAuthServer } from '../testing/stub-auth-server';
import { HostToMain, type HostConfig, type MainToHost } from './protocol';
import { serveCore } from './serve';

// The host protocol in plain Node: a worker_threads MessageChannel stands in for Electron's
// parentPort, the test plays the main process on the other end.

let server: StubAuthServer;
let hostSide: MessagePort;
let mainSide: MessagePort;
let received: HostToMain[];
let tokens: Map<string, string>;
let closed: ReturnType<typeof vi.fn<() => void>>;

const send = (m: MainToHost) => mainSide.postMessage(m);
const next = async <K extends HostToMain['kind']>(
  kind: K,
  pred: (m: Extract<HostToMain, { kind: K }>) => boolean = () => true,
) => {
  let found: Extract<HostToMain, { kind: K }> | undefined;
  await vi.waitFor(() => {
    found = received.find((m): m is Extract<HostToMain, { kind: K }> => m.kind === kind && pred(m as never));
    expect(found).toBeDefined();
  });
  return found!;
};
const request = async (id: number, channel: string, input: unknown) => {
  send({ kind: 'request', id, channel, input });
  return (await next('response', (m) => m.id === id)).result;
};

beforeEach(async () => {
  server = await startStubAuthServer(() => Date.now());
  const ch = new MessageChannel();
  hostSide = ch.port1;
  mainSide = ch.port2;
  received = [];
  tokens = new Map();
  closed = vi.fn<() => void>();
  // The main process's side: record everything, answer token-store calls from a map.
  mainSide.on('message', (raw: unknown) => {
    const m = HostToMain.parse(raw);
    received.push(m);
    if (m.kind === 'token-request') {
      if (m.op === 'save') tokens.set(m.key, m.value ?? '');
      if (m.op === 'clear') tokens.delete(m.key);
      send({
        kind: 'token-reply',
        id: m.id,
        ok: true,
        value: m.op === 'load' ? (tokens.get(m.key) ?? null) : null,
      });
    }
  });
  serveCore(
    { post: (m) => hostSide.postMessage(m), onMessage: (cb) => hostSide.on('message', cb) },
    (config, tokenStore) =>
      createClientCore({ ...config, fetch: (i, init) => fetch(i, init), tokenStore, logger: silentLogger }),
    closed,
  );
  const config: HostConfig = {
    dataDir: mkdtempSync(join(tmpdir(), 'parley-host-')),
    defaultServerUrl: server.url,
    appInfo: { version: '1.2.3', platform: 'linux' },
    tokenStorage: 'secure',
  };
  send({ kind: 'init', config });
  await next('ready');
});

afterEach(async () => {
  hostSide.close();
  mainSide.close();
  await server.close();
});

describe('core host protocol', () => {
  it('answers a request with a response of the same id', async () => {
    expect(await request(1, 'app:info', undefined)).toEqual({
      ok: true,
      value: {
        version: '1.2.3',
        platform: 'linux',
        defaultServerUrl: server.url,
        secureStorageAvailable: true,
      },
    });
  });

  it('parses input with the contract and answers invalid_input with field issues', async () => {
    const r = await request(2, 'session:signIn', { serverUrl: 'ftp://x', email: 'nope', password: '' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (r.ok) return;
    const fields = (r.error.details as { fields: { path: string }[] }).fields.map((f) => f.path);
    expect(fields).toEqual(expect.arrayContaining(['serverUrl', 'email', 'password']));
  });

  it('refuses unknown channels', async () => {
    expect(await request(3, 'fs:readFile', '/etc/passwd')).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });

  it('ignores malformed messages and keeps serving', async () => {
    mainSide.postMessage({ kind: 'request', id: 'x' });
    mainSide.postMessage('garbage');
    expect(await request(4, 'settings:get', undefined)).toEqual({ ok: true, value: { theme: 'system' } });
  });

  it('proxies the token store to the main side and forwards events', async () => {
    const r = await request(5, 'session:signIn', {
      serverUrl: server.url,
      email: server.user.email,
      password: server.password,
    });
    expect(r).toMatchObject({ ok: true, value: { status: 'signed_in', tokenStorage: 'secure' } });
    expect([...tokens.values()]).toHaveLength(1);
    expect(server.liveRefreshTokens.has([...tokens.values()][0]!)).toBe(true);
    await next('event', (m) => m.event === 'session:changed');
    await next('event', (m) => m.event === 'sync:status');
  });

  it('closes the core on shutdown and says so', async () => {
    send({ kind: 'shutdown' });
    await next('closed');
    expect(closed).toHaveBeenCalledOnce();
  });
});
