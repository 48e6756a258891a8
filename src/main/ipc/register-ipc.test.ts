import { EventEmitter } from 'node:events';
import type { IpcMain, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { channels, type CoreApi, type IpcHandlers } from '#contract/ipc/contract';
import { foreignSender, forwardCoreEvents, registerIpc } from './register-ipc';

vi.mock('electron', () => ({}));

type Handler = (event: unknown, input: unknown) => Promise<unknown>;

function setup() {
  const registered = new Map<string, Handler>();
  const ipcMain = {
    handle: (c: string, h: Handler) => registered.set(c, h),
    removeHandler: (c: string) => registered.delete(c),
  } as unknown as IpcMain;
  const calls: [string, unknown][] = [];
  const handlers = Object.fromEntries(
    channels.map((c) => [
      c,
      vi.fn(async (input: unknown) => {
        calls.push([c, input]);
        return { ok: true, value: { from: c } };
      }),
    ]),
  ) as unknown as IpcHandlers;
  const dispose = registerIpc(ipcMain, { handlers }, { allowedOrigins: ['parley://app'] });
  return { registered, calls, dispose };
}

const appFrame = { senderFrame: { url: 'parley://app/index.html#/inbox', parent: null } };
const validSignIn = { serverUrl: 'http://127.0.0.1:8787/', email: 'A@Example.test', password: 'pw' };

describe('registerIpc', () => {
  it('registers exactly one handler per contract channel and removes them', () => {
    const { registered, dispose } = setup();
    expect([...registered.keys()].sort()).toEqual([...channels].sort());
    dispose();
    expect(registered.size).toBe(0);
  });

  it.each([
    ['another origin', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a look-alike host', { senderFrame: { url: 'parley://app.evil/index.html', parent: null } }],
    ['a file: page', { senderFrame: { url: 'file:///tmp/evil.html', parent: null } }],
    ['a subframe of the app', { senderFrame: { url: 'parley://app/index.html', parent: {} } }],
    ['a destroyed frame', { senderFrame: null }],
  ])('rejects calls from %s without calling the core', async (_name, event) => {
    const { registered, calls } = setup();
    for (const c of channels) {
      const r = await registered.get(c)!(event, validSignIn);
      expect(r).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'This request did not come from the Parley window.' },
      });
    }
    expect(calls).toEqual([]);
  });

  it.each([
    ['session:signIn', { serverUrl: 'javascript:alert(1)', email: 'x', password: '' }],
    ['session:signIn', null],
    ['session:signIn', 'a string'],
    ['session:signOut', { wipeReplica: 'yes' }],
    ['profile:update', { name: '' }],
    ['profile:changePassword', { currentPassword: 'x', newPassword: 'short' }],
    ['settings:set', { theme: 'neon' }],
    ['app:info', { unexpected: true }],
    ['app:setAttention', { badgeCount: 1.5 }],
    ['app:setAttention', { notifications: 'yes' }],
    ['app:setAttention', { focus: false }],
    ['app:setAttention', undefined],
  ])('rejects malformed input for %s with invalid_input and field issues', async (channel, input) => {
    const { registered, calls } = setup();
    const r = (await registered.get(channel)!(appFrame, input)) as {
      ok: boolean;
      error: { code: string; details: { fields: unknown[] } };
    };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.details.fields.length).toBeGreaterThan(0);
    expect(calls).toEqual([]);
  });

  it('passes parsed input (normalised, defaults applied) to the core', async () => {
    const { registered, calls } = setup();
    expect(await registered.get('session:signIn')!(appFrame, validSignIn)).toEqual({
      ok: true,
      value: { from: 'session:signIn' },
    });
    await registered.get('session:signOut')!(appFrame, {});
    expect(calls).toEqual([
      ['session:signIn', { serverUrl: 'http://127.0.0.1:8787', email: 'a@example.test', password: 'pw' }],
      ['session:signOut', { wipeReplica: false }],
    ]);
  });

  it('answers `local` channels in the main process, after the same sender check and parsing', async () => {
    const registered = new Map<string, Handler>();
    const ipcMain = {
      handle: (c: string, h: Handler) => registered.set(c, h),
      removeHandler: (c: string) => registered.delete(c),
    } as unknown as IpcMain;
    const coreCall = vi.fn(async () => ({ ok: true as const, value: { from: 'core' } }));
    const handlers = Object.fromEntries(channels.map((c) => [c, coreCall])) as unknown as IpcHandlers;
    const local = vi.fn(async () => ({ ok: true as const, value: { notifications: false, badgeCount: 3 } }));
    registerIpc(
      ipcMain,
      { handlers },
      { allowedOrigins: ['parley://app'], local: { 'app:setAttention': local, 'app:info': undefined } },
    );
    const call = (c: string, input: unknown, event: unknown = appFrame) => registered.get(c)!(event, input);

    expect(await call('app:setAttention', { badgeCount: 3, extra: 1 })).toEqual({
      ok: true,
      value: { notifications: false, badgeCount: 3 },
    });
    expect(local).toHaveBeenCalledWith({ badgeCount: 3 });
    expect((await call('app:setAttention', { badgeCount: -1 })) as { ok: boolean }).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await call('app:setAttention', {}, { senderFrame: null })).toEqual(foreignSender);
    expect(local).toHaveBeenCalledTimes(1);
    // Only the channels given are taken from the core; an undefined entry leaves the core's.
    await call('app:info', undefined);
    expect(coreCall).toHaveBeenCalledTimes(1);
  });
});

describe('forwardCoreEvents', () => {
  it('sends each core event to every live window under its own name', () => {
    const bus = new EventEmitter();
    const core: Pick<CoreApi, 'on'> = {
      on: (e, cb) => {
        bus.on(e, cb);
        return () => void bus.off(e, cb);
      },
    };
    const live = { isDestroyed: () => false, send: vi.fn() };
    const dead = { isDestroyed: () => true, send: vi.fn() };
    const off = forwardCoreEvents(core, () => [live, dead] as unknown as WebContents[]);
    bus.emit('settings:changed', { theme: 'dark' });
    expect(live.send).toHaveBeenCalledWith('settings:changed', { theme: 'dark' });
    expect(dead.send).not.toHaveBeenCalled();
    off();
    bus.emit('settings:changed', { theme: 'light' });
    expect(live.send).toHaveBeenCalledTimes(1);
  });
});
