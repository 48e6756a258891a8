import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ParleyApi } from '#contract/ipc/contract';
import { channelNames, isEventName } from '#contract/ipc/names';

/**
 * The preload: exposes `window.parley` with one function per contract channel and a typed
 * `on(event, cb)` for contract events only, both derived from the contract's name lists
 * (`contract/ipc/names.ts`, plain data: the sandbox cannot load zod). It is an allowlist:
 * nothing generic (no `send`/`invoke`/`on` on any channel) and no Electron objects reach the
 * page; the listener gets the payload alone. Inputs are parsed in the main process.
 */
export function buildParleyApi(
  renderer: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>,
): ParleyApi {
  const api: Record<string, unknown> = {};
  for (const channel of channelNames) {
    api[channel] = (input: unknown) => renderer.invoke(channel, input);
  }
  api.on = (event: string, cb: (payload: unknown) => void): (() => void) => {
    if (!isEventName(event)) throw new Error(`parley.on: unknown event ${String(event).slice(0, 64)}`);
    if (typeof cb !== 'function') throw new Error('parley.on: the callback must be a function');
    const listener = (_e: IpcRendererEvent, payload: unknown): void => cb(payload);
    renderer.on(event, listener);
    return () => void renderer.removeListener(event, listener);
  };
  return Object.freeze(api) as ParleyApi;
}

contextBridge.exposeInMainWorld('parley', buildParleyApi(ipcRenderer));
