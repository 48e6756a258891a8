import { BrowserWindow, screen } from 'electron';
import { secureWebPreferences } from './security';
import { loadWindowState, saveWindowState } from './window-state';

/** What the main window needs to know. */
export interface MainWindowOptions {
  /** Absolute path of out/preload/index.cjs. */
  preloadPath: string;
  /** The app entry: `parley://app/index.html`, or the dev server URL. */
  url: string;
  /** Where window-state.json lives (userData). */
  stateDir: string;
  /** Window icon (Linux; macOS and Windows take it from the package). */
  iconPath?: string;
}

/**
 * Creates the main window with the secure preferences (sandbox, isolation, no Node, no
 * webviews), restores its size and position when they are still on a display, and remembers
 * them on close. Navigation and window-open guards are attached to every web contents by
 * `auditWebContents` (harden.ts), which runs for this window too.
 */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const state = loadWindowState(
    opts.stateDir,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Parley',
    icon: opts.iconPath,
    autoHideMenuBar: true,
    webPreferences: { ...secureWebPreferences, preload: opts.preloadPath },
  });
  if (state.isMaximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    const b = win.getNormalBounds();
    saveWindowState(opts.stateDir, { ...b, isMaximized: win.isMaximized() });
  });
  void win.loadURL(opts.url);
  return win;
}
