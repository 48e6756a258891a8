import { beforeAll, describe, expect, it, vi } from 'vitest';
import { channels, ipc, ipcEvents, type ParleyApi } from '#contract/ipc/contract';
import { channelNames, eventNames } from '#contract/ipc/names';

const exposed: Record<string, unknown> = {};
const ipcRenderer = {
  invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } })),
  on: vi.fn(),
  removeListener: vi.fn(),
  send: vi.fn(),
};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer,
}));

let api: ParleyApi;
beforeAll(async () => {
  await import('./index');
  api = exposed.parley as ParleyApi;
});

describe('preload', () => {
  it('takes its names from lists equal to the contract table', () => {
    expect([...channelNames].sort()).toEqual(Object.keys(ipc).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(ipcEvents).sort());
    expect(new Set(channelNames).size).toBe(channelNames.length);
  });

  it('exposes only window.parley with exactly the contract channels plus on', () => {
    expect(Object.keys(exposed)).toEqual(['parley']);
    expect(Object.keys(api).sort()).toEqual([...channels, 'on'].sort());
    for (const k of Object.keys(api))
      expect(typeof (api as unknown as Record<string, unknown>)[k]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    expect(api).not.toHaveProperty('send');
    expect(api).not.toHaveProperty('invoke');
  });

  it('invokes each channel by its own name with the input as given', async () => {
    const input = { serverUrl: 'http://x', email: 'a@b.c', password: 'p' };
    await expect(api['session:signIn'](input)).resolves.toEqual({
      ok: true,
      value: { channel: 'session:signIn', input },
    });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('session:signIn', input);
  });

  it('subscribes to contract events only and hands the callback the payload alone', () => {
    const cb = vi.fn();
    const off = api.on('sync:status', cb);
    const [event, listener] = ipcRenderer.on.mock.calls.at(-1) as [string, (e: unknown, p: unknown) => void];
    expect(event).toBe('sync:status');
    listener({ sender: 'the IpcRendererEvent must not leak' }, { state: 'online' });
    expect(cb).toHaveBeenCalledWith({ state: 'online' });
    expect(cb.mock.calls[0]).toHaveLength(1);
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('sync:status', listener);
  });

  it('refuses to subscribe to anything outside the contract', () => {
    const on = api.on as unknown as (e: string, cb: () => void) => () => void;
    expect(() => on('ELECTRON_BROWSER_WINDOW_ALERT', () => {})).toThrow(/unknown event/);
    expect(() => on('session:signIn', () => {})).toThrow(/unknown event/);
    expect(() => on('sync:status', 'not a function' as never)).toThrow(/callback/);
  });
});
