import { join } from 'node:path';
import type { App, BrowserWindow } from 'electron';
import { z } from 'zod';
import type { AttentionState, Parsed } from '#contract/ipc/contract';
import { ok, type Result } from '#contract/result';
import { readJsonFile, writeJsonFile } from '../../core/fs-util';

/** What is remembered between runs (`attention.json` in userData, beside `window-state.json`). */
const SavedAttention = z.object({ notifications: z.boolean() });

/** The file the notification opt-in is kept in. */
export const ATTENTION_FILE = 'attention.json';

/**
 * Notifications are on until the person turns them off: the issue asks for alerts in Mine and
 * Unassigned, and the renderer's notification preferences default to both.
 */
export const DEFAULT_NOTIFICATIONS = true;

/** Brings a window forward: restores it when minimized, shows it when hidden, then focuses it. */
export function focusWindow(win: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** What {@link createAttention} needs. */
export interface AttentionDeps {
  /** Where `attention.json` lives (userData). */
  dir: string;
  /** `app.setBadgeCount`: the dock (macOS) and Unity launcher (Linux) badge; a no-op elsewhere. */
  app: Pick<App, 'setBadgeCount'>;
  /** The main window, when one is open. */
  window(): Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus' | 'isDestroyed'> | null;
  /** Failures worth a log line (an unwritable settings file). */
  onError?(message: string): void;
}

/** The main process's side of `app:setAttention`. */
export interface Attention {
  /** The person's notification opt-in, for the session's permission handlers. */
  notificationsOptIn(): boolean;
  /** The `app:setAttention` handler (input already parsed by the IPC layer). */
  set(input: Parsed<'app:setAttention'>): Promise<Result<AttentionState>>;
}

/**
 * The notification opt-in (read at start, saved on change), the unread badge and bringing the
 * window forward when a notification is clicked. The page's own `window.focus()` does not
 * raise a minimized or background window on every platform (electron/electron#2867), so the
 * renderer asks for it here.
 */
export function createAttention(deps: AttentionDeps): Attention {
  const file = join(deps.dir, ATTENTION_FILE);
  const saved = SavedAttention.safeParse(readJsonFile(file));
  let notifications = saved.success ? saved.data.notifications : DEFAULT_NOTIFICATIONS;
  let badgeCount = 0;

  return {
    notificationsOptIn: () => notifications,
    async set(input) {
      if (input.notifications !== undefined && input.notifications !== notifications) {
        notifications = input.notifications;
        try {
          writeJsonFile(file, { notifications });
        } catch (e) {
          // Still honoured for this run; the next start falls back to the saved or default value.
          deps.onError?.(`could not save ${ATTENTION_FILE}: ${String(e)}`);
        }
      }
      if (input.badgeCount !== undefined && input.badgeCount !== badgeCount) {
        badgeCount = input.badgeCount;
        // False where the platform has no badge (Windows, Linux without a Unity launcher).
        deps.app.setBadgeCount(badgeCount);
      }
      if (input.focus) {
        const win = deps.window();
        if (win && !win.isDestroyed()) focusWindow(win);
      }
      return ok({ notifications, badgeCount });
    },
  };
}
