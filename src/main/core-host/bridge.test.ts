import { describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '#contract/ipc/contract';
import { createMemoryTokenStore, silentLogger } from '../../core/deps';
import type { HostConfig, MainToHost } from '../../core/host/protocol';
import { createFakeClock } from '../../core/testing/fake-clock';
import { createCoreHostBridge, type HostChild } from './bridge';

vi.mock('electron', () => ({}));

/** A scripted core host: records what main posts, lets the test answer or die. */
class FakeChild implements HostChild {
  posted: MainToHost[] = [];
  killed = false;
  private onMsg: (m: unknown) => void = () => {};
  private onEx: (c: number | null) => void = () => {};
  post(m: MainToHost) {
    this.posted.push(m);
  }
  onMessage(cb: (m: unknown) => void) {
    this.onMsg = cb;
  }
  onExit(cb: (c: number | null) => void) {
    this.onEx = cb;
  }
  kill() {
    this.killed = true;
  }
  send(m: unknown) {
    this.onMsg(m);
  }
  die(code = 1) {
    this.onEx(code);
  }
  requests() {
    return this.posted.filter((m): m is Extract<MainToHost, { kind: 'request' }> => m.kind === 'request');
  }
}

const config: HostConfig = {
  dataDir: '/tmp/x',
  defaultServerUrl: 'http://127.0.0.1:8787',
  appInfo: { version: '1', platform: 'linux' },
  tokenStorage: 'memory',
};
const info = {
  version: '1',
  platform: 'linux',
  defaultServerUrl: 'http://127.0.0.1:8787',
  secureStorageAvailable: false,
};

function setup(opts: { timeoutMs?: number } = {}) {
  const children: FakeChild[] = [];
  const clock = createFakeClock();
  const tokenStore = createMemoryTokenStore();
  const bridge = createCoreHostBridge({
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    config,
    tokenStore,
    clock,
    logger: silentLogger,
    requestTimeoutMs: opts.timeoutMs ?? 5_000,
    restart: { backoffMs: [100, 1_000], maxRestarts: 3, windowMs: 60_000 },
  });
  const statuses: SyncStatus[] = [];
  bridge.on('sync:status', (s) => statuses.push(s));
  bridge.start();
  return { bridge, children, clock, tokenStore, statuses };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('core host bridge', () => {
  it('sends init first, queues calls until ready, and matches responses by id', async () => {
    const { bridge, children } = setup();
    const child = children[0]!;
    expect(child.posted[0]).toEqual({ kind: 'init', config });
    const p = bridge.handlers['app:info'](undefined);
    expect(child.requests()).toEqual([]);
    child.send({ kind: 'ready' });
    const [req] = child.requests();
    expect(req).toMatchObject({ channel: 'app:info' });
    child.send({ kind: 'response', id: req!.id, result: { ok: true, value: info } });
    expect(await p).toEqual({ ok: true, value: info });
  });

  it('validates responses against the channel output schema', async () => {
    const { bridge, children } = setup();
    children[0]!.send({ kind: 'ready' });
    const p = bridge.handlers['settings:get'](undefined);
    const [req] = children[0]!.requests();
    children[0]!.send({ kind: 'response', id: req!.id, result: { ok: true, value: { theme: 'neon' } } });
    expect(await p).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('times out a call the host never answers', async () => {
    const { bridge, children, clock } = setup({ timeoutMs: 1_000 });
    children[0]!.send({ kind: 'ready' });
    const p = bridge.handlers['session:get'](undefined);
    clock.advance(1_000);
    expect(await p).toMatchObject({ ok: false, error: { code: 'service_unavailable' } });
  });

  it('forwards valid events and drops malformed ones', () => {
    const { bridge, children } = setup();
    const seen: unknown[] = [];
    bridge.on('settings:changed', (s) => seen.push(s));
    children[0]!.send({ kind: 'event', event: 'settings:changed', payload: { theme: 'dark' } });
    children[0]!.send({ kind: 'event', event: 'settings:changed', payload: { theme: 42 } });
    children[0]!.send({ kind: 'event', event: 'shell:exec', payload: {} });
    expect(seen).toEqual([{ theme: 'dark' }]);
  });

  it('serves token-store calls from the main side', async () => {
    const { children, tokenStore } = setup();
    const child = children[0]!;
    child.send({ kind: 'token-request', id: 1, op: 'save', key: 'k', value: 'v' });
    await flush();
    expect(await tokenStore.load('k')).toBe('v');
    child.send({ kind: 'token-request', id: 2, op: 'load', key: 'k' });
    await flush();
    expect(child.posted.filter((m) => m.kind === 'token-reply')).toEqual([
      { kind: 'token-reply', id: 1, ok: true, value: null },
      { kind: 'token-reply', id: 2, ok: true, value: 'v' },
    ]);
  });

  it('restarts a dead host with backoff, reports it, and fails in-flight calls', async () => {
    const { bridge, children, clock, statuses } = setup();
    children[0]!.send({ kind: 'ready' });
    const inflight = bridge.handlers['session:get'](undefined);
    children[0]!.die();
    expect(await inflight).toMatchObject({ ok: false, error: { code: 'service_unavailable' } });
    expect(statuses.at(-1)).toMatchObject({
      state: 'offline',
      lastError: 'The background service stopped; restarting it.',
    });
    // A call made while it is down waits for the new host.
    const waiting = bridge.handlers['settings:get'](undefined);
    expect(children).toHaveLength(1);
    clock.advance(100);
    expect(children).toHaveLength(2);
    expect(children[1]!.posted[0]).toEqual({ kind: 'init', config });
    children[1]!.send({ kind: 'ready' });
    const [req] = children[1]!.requests();
    children[1]!.send({ kind: 'response', id: req!.id, result: { ok: true, value: { theme: 'light' } } });
    expect(await waiting).toEqual({ ok: true, value: { theme: 'light' } });
  });

  it('gives up after too many restarts in the window', async () => {
    const { bridge, children, clock, statuses } = setup();
    for (let i = 0; i < 3; i++) {
      children.at(-1)!.die();
      clock.advance(1_000);
    }
    expect(children).toHaveLength(4);
    children.at(-1)!.die();
    clock.advance(10_000);
    expect(children).toHaveLength(4);
    expect(statuses.at(-1)?.lastError).toBe('The background service keeps stopping. Restart Parley.');
    expect(await bridge.handlers['session:get'](undefined)).toMatchObject({
      ok: false,
      error: { code: 'service_unavailable' },
    });
  });

  it('uses the longer backoff for later restarts', () => {
    const { children, clock } = setup();
    children[0]!.die();
    clock.advance(100);
    children[1]!.die();
    clock.advance(999);
    expect(children).toHaveLength(2);
    clock.advance(1);
    expect(children).toHaveLength(3);
  });

  it('shuts the host down on close without restarting it', async () => {
    const { bridge, children, clock } = setup();
    const child = children[0]!;
    child.send({ kind: 'ready' });
    const closing = bridge.close();
    expect(child.posted.at(-1)).toEqual({ kind: 'shutdown' });
    child.send({ kind: 'closed' });
    await closing;
    child.die(0);
    clock.advance(60_000);
    expect(children).toHaveLength(1);
    expect(child.killed).toBe(false);
  });

  it('kills a host that does not close in time', async () => {
    const { bridge, children, clock } = setup();
    const closing = bridge.close();
    clock.advance(3_000);
    await closing;
    expect(children[0]!.killed).toBe(true);
  });
});
