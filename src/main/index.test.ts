import type { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channels } from '#contract/ipc/contract';

// The wiring of the main process with every Electron API mocked: the single-instance lock,
// what starts on `ready`, and the clean shutdown of the core host on quit.

const h = vi.hoisted(() => ({ state: {} as Record<string, unknown> }));

vi.mock('electron', async () => {
  const { EventEmitter: EE } = await import('node:events');
  const s = h.state;
  const app = Object.assign(new EE(), {
    requestSingleInstanceLock: vi.fn(() => s.hasLock as boolean),
    quit: vi.fn(),
    exit: vi.fn(),
    setPath: vi.fn(),
    getPath: vi.fn(() => s.userData as string),
    getAppPath: vi.fn(() => '/repo'),
    getVersion: vi.fn(() => '9.9.9'),
    isPackaged: false,
    whenReady: vi.fn(() => s.ready as Promise<void>),
    setBadgeCount: vi.fn(() => true),
    setAsDefaultProtocolClient: vi.fn(() => true),
  });
  class BrowserWindow extends EE {
    static all: BrowserWindow[] = [];
    static getAllWindows = () => BrowserWindow.all;
    webContents = { send: vi.fn() };
    isMinimized = vi.fn(() => true);
    restore = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    maximize = vi.fn();
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 800, height: 600 });
    loadURL = vi.fn(async () => {});
    constructor(public options: Record<string, unknown>) {
      super();
      BrowserWindow.all.push(this);
    }
  }
  const child = Object.assign(new EE(), { postMessage: vi.fn(), kill: vi.fn() });
  s.child = child;
  s.BrowserWindow = BrowserWindow;
  s.app = app;
  s.handles = new Map();
  return {
    app,
    BrowserWindow,
    ipcMain: {
      handle: (c: string, f: unknown) => (s.handles as Map<string, unknown>).set(c, f),
      removeHandler: vi.fn(),
    },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (v: string) => Buffer.from(v),
      decryptString: (b: Buffer) => b.toString(),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn() },
      },
    },
    shell: { openExternal: vi.fn(), openPath: vi.fn(async () => '') },
    dialog: { showSaveDialog: vi.fn(async () => ({ canceled: true })) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    utilityProcess: { fork: vi.fn(() => child) },
    webContents: { getAllWebContents: () => [] },
  };
});

beforeEach(async () => {
  vi.resetModules();
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  h.state.userData = mkdtempSync(join(tmpdir(), 'parley-main-'));
});

describe('main process', () => {
  it('quits at once when another instance holds the lock', async () => {
    h.state.hasLock = false;
    h.state.ready = new Promise(() => {});
    await import('./index');
    const app = h.state.app as EventEmitter & { quit: ReturnType<typeof vi.fn> };
    expect(app.quit).toHaveBeenCalled();
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('on ready: starts the core host, registers every channel, opens the hardened window', async () => {
    h.state.hasLock = true;
    let ready!: () => void;
    h.state.ready = new Promise<void>((r) => (ready = r));
    await import('./index');
    ready();
    await vi.waitFor(() => expect((h.state.handles as Map<string, unknown>).size).toBe(channels.length));
    const electron = await import('electron');
    expect(electron.utilityProcess.fork).toHaveBeenCalledWith(
      expect.stringMatching(/core-host\.js$/),
      [],
      expect.objectContaining({ serviceName: 'Parley core' }),
    );
    const child = h.state.child as { postMessage: ReturnType<typeof vi.fn> };
    expect(child.postMessage.mock.calls[0]?.[0]).toMatchObject({
      kind: 'init',
      config: { tokenStorage: 'secure', migrationsDir: '/repo/src/core/db/migrations', autoSignIn: null },
    });
    const BW = h.state.BrowserWindow as { all: { options: { webPreferences: Record<string, unknown> } }[] };
    expect(BW.all).toHaveLength(1);
    expect(BW.all[0]!.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      preload: expect.stringMatching(/preload[/\\]index\.cjs$/),
    });

    // app:setAttention is answered here, not by the core host: the opt-in drives the
    // notification permission, the count the badge.
    const checkHandler = vi.mocked(electron.session.defaultSession.setPermissionCheckHandler).mock
      .calls[0]![0]!;
    const allowsNotifications = () => checkHandler(null as never, 'notifications', '', {} as never);
    expect(allowsNotifications()).toBe(true);
    const handles = h.state.handles as Map<string, (event: unknown, input: unknown) => Promise<unknown>>;
    const appFrame = { senderFrame: { url: 'parley://app/index.html', parent: null } };
    const sentBefore = child.postMessage.mock.calls.length;
    expect(await handles.get('app:setAttention')!(appFrame, { notifications: false, badgeCount: 2 })).toEqual(
      {
        ok: true,
        value: { notifications: false, badgeCount: 2 },
      },
    );
    expect(allowsNotifications()).toBe(false);
    expect(electron.app.setBadgeCount).toHaveBeenCalledWith(2);
    expect(child.postMessage.mock.calls.length).toBe(sentBefore);

    // A second launch focuses this window.
    const app = h.state.app as EventEmitter;
    app.emit('second-instance');
    const win = BW.all[0] as unknown as {
      restore: ReturnType<typeof vi.fn>;
      focus: ReturnType<typeof vi.fn>;
    };
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();

    // Quitting waits for the core host to close the replica.
    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(child.postMessage).toHaveBeenLastCalledWith({ kind: 'shutdown' });
  });
});
