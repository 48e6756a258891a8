import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channels, eventNames, type Channel, type CoreApi, type IpcHandlers } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { dispatch } from '../../core/dispatch';
import { isAppUrl } from '../windows/security';

/** The answer to a call from anything but the app's own top-level page. */
export const foreignSender: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This request did not come from the Parley window.' },
};

/**
 * True when an IPC call comes from the app's main frame: a live top-level frame whose URL is on
 * one of the app's origins. Subframes, other origins and destroyed frames are refused.
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  appOrigins: readonly string[],
): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url, appOrigins);
}

/** Options of {@link registerIpc}. */
export interface RegisterIpcOptions {
  /** Origins whose top frame may call (the app's, plus the dev server's in `npm run dev`). */
  allowedOrigins: readonly string[];
  /**
   * Channels the main process answers itself because they need the desktop (badge, window
   * focus, …). The core keeps a handler for each too, which other hosts (the harness) use.
   */
  local?: Partial<IpcHandlers>;
}

/**
 * Registers one `ipcMain.handle` per contract channel. Each handler checks the sender before
 * anything else, parses the input with the channel's schema (answering `invalid_input` with the
 * field issues), and only then calls the core, or the main process's own handler for the
 * channels in `opts.local`. Returns a function that removes the handlers.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  core: Pick<CoreApi, 'handlers'>,
  opts: RegisterIpcOptions,
): () => void {
  const local = Object.entries(opts.local ?? {}).filter(([, h]) => h !== undefined);
  const handlers = { ...core.handlers, ...Object.fromEntries(local) } as IpcHandlers;
  for (const c of channels) {
    ipcMain.handle(c, async (event, raw: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, opts.allowedOrigins)) return foreignSender;
      return dispatch(handlers, c, raw);
    });
  }
  return () => channels.forEach((c: Channel) => ipcMain.removeHandler(c));
}

/** Forwards every core event to every live window, on the event's own name. */
export function forwardCoreEvents(
  core: Pick<CoreApi, 'on'>,
  targets: () => readonly WebContents[],
): () => void {
  const offs = eventNames.map((e) =>
    core.on(e, (payload) => {
      for (const wc of targets()) if (!wc.isDestroyed()) wc.send(e, payload);
    }),
  );
  return () => offs.forEach((off) => off());
}
