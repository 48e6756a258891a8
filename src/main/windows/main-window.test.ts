import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { saveWindowState } from './window-state';

const created: { options: Record<string, unknown>; win: Record<string, unknown> }[] = [];

vi.mock('electron', () => {
  class BrowserWindow {
    handlers = new Map<string, () => void>();
    maximize = vi.fn();
    show = vi.fn();
    loadURL = vi.fn(async () => {});
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 10, y: 20, width: 1000, height: 700 });
    once = (e: string, cb: () => void) => this.handlers.set(e, cb);
    on = (e: string, cb: () => void) => this.handlers.set(e, cb);
    constructor(options: Record<string, unknown>) {
      created.push({ options, win: this as unknown as Record<string, unknown> });
    }
  }
  return {
    BrowserWindow,
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
});

const { createMainWindow } = await import('./main-window');

let dir: string;
beforeEach(() => {
  created.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'parley-win-'));
});

const open = () =>
  createMainWindow({
    preloadPath: '/app/out/preload/index.cjs',
    url: 'parley://app/index.html',
    stateDir: dir,
  });

describe('createMainWindow', () => {
  it('creates the window with every security preference and the preload', () => {
    open();
    expect(created[0]?.options.webPreferences).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: true,
      preload: '/app/out/preload/index.cjs',
    });
    expect(created[0]?.win.loadURL).toHaveBeenCalledWith('parley://app/index.html');
    // The smallest window the inbox is laid out for (issue 14): no control clipped at 960×600.
    expect(created[0]?.options).toMatchObject({ minWidth: 960, minHeight: 600 });
  });

  it('restores saved bounds that are on a display', () => {
    saveWindowState(dir, { x: 100, y: 100, width: 900, height: 600, isMaximized: true });
    open();
    expect(created[0]?.options).toMatchObject({ x: 100, y: 100, width: 900, height: 600 });
    expect(created[0]?.win.maximize).toHaveBeenCalled();
  });

  it('drops a saved position that no display shows any more, keeping the size', () => {
    saveWindowState(dir, { x: 5000, y: 100, width: 900, height: 600, isMaximized: false });
    open();
    expect(created[0]?.options).toMatchObject({ width: 900, height: 600 });
    expect(created[0]?.options).not.toHaveProperty('x');
  });

  it('remembers the bounds on close', () => {
    open();
    (created[0]?.win.handlers as Map<string, () => void>).get('close')?.();
    expect(JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      isMaximized: false,
    });
  });
});
