import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { ipc } from '#contract/ipc/contract';
import { installPermissionHandlers } from '../windows/harden';
import { ATTENTION_FILE, createAttention, focusWindow, type AttentionDeps } from './attention';

vi.mock('electron', () => ({}));

function fakeWindow(minimized = false) {
  return {
    isMinimized: vi.fn(() => minimized),
    restore: vi.fn(),
    show: vi.fn(),
    focus: vi.fn(),
    isDestroyed: vi.fn(() => false),
  };
}

function setup(opts: { dir?: string; win?: ReturnType<typeof fakeWindow> | null } = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'attention-'));
  const app = { setBadgeCount: vi.fn(() => true) };
  const win = opts.win === undefined ? fakeWindow() : opts.win;
  const deps: AttentionDeps = { dir, app, window: () => win, onError: vi.fn() };
  return { dir, app, win, deps, attention: createAttention(deps) };
}

/** The parsed input, as the IPC layer hands it over. */
const input = (raw: unknown) => ipc['app:setAttention'].input.parse(raw);

/** Installs the real permission handlers over a fake session, reading the opt-in. */
function permissionChecks(optIn: () => boolean) {
  let check: ((wc: unknown, p: string) => boolean) | undefined;
  let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
  const ses = {
    setPermissionRequestHandler: (h: typeof request) => (request = h),
    setPermissionCheckHandler: (h: typeof check) => (check = h),
    setDevicePermissionHandler: () => {},
  } as unknown as Session;
  installPermissionHandlers(ses, { notificationsOptIn: optIn });
  return {
    check: () => check!(null, 'notifications'),
    request: () => {
      const cb = vi.fn();
      request!(null, 'notifications', cb);
      return cb.mock.calls[0]?.[0] as boolean;
    },
  };
}

describe('attention (app:setAttention in the main process)', () => {
  it('allows notifications by default, and the permission handlers follow the opt-in', async () => {
    const { attention } = setup();
    const perms = permissionChecks(() => attention.notificationsOptIn());
    expect(attention.notificationsOptIn()).toBe(true);
    expect(perms.check()).toBe(true);
    expect(perms.request()).toBe(true);

    expect(await attention.set(input({ notifications: false }))).toEqual({
      ok: true,
      value: { notifications: false, badgeCount: 0 },
    });
    expect(perms.check()).toBe(false);
    expect(perms.request()).toBe(false);

    await attention.set(input({ notifications: true }));
    expect(perms.check()).toBe(true);
  });

  it('remembers the opt-in between runs in attention.json', async () => {
    const first = setup();
    await first.attention.set(input({ notifications: false }));
    expect(JSON.parse(readFileSync(join(first.dir, ATTENTION_FILE), 'utf8'))).toEqual({
      notifications: false,
    });
    expect(createAttention({ ...first.deps }).notificationsOptIn()).toBe(false);
  });

  it('falls back to the default when the saved file is unreadable or the wrong shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attention-'));
    writeFileSync(join(dir, ATTENTION_FILE), '{"notifications":"no"}');
    expect(setup({ dir }).attention.notificationsOptIn()).toBe(true);
    writeFileSync(join(dir, ATTENTION_FILE), 'not json');
    expect(setup({ dir }).attention.notificationsOptIn()).toBe(true);
  });

  it('keeps the choice for this run when it cannot be saved', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'attention-')), 'file');
    writeFileSync(dir, 'a file where the folder should be');
    const { attention, deps } = setup({ dir });
    await attention.set(input({ notifications: false }));
    expect(attention.notificationsOptIn()).toBe(false);
    expect(deps.onError).toHaveBeenCalledWith(expect.stringContaining(ATTENTION_FILE));
  });

  it('sets the dock/launcher badge when the count changes, and clears it with 0', async () => {
    const { attention, app } = setup();
    expect(await attention.set(input({ badgeCount: 4 }))).toEqual({
      ok: true,
      value: { notifications: true, badgeCount: 4 },
    });
    await attention.set(input({ badgeCount: 4 }));
    await attention.set(input({}));
    await attention.set(input({ badgeCount: 0 }));
    expect(app.setBadgeCount.mock.calls).toEqual([[4], [0]]);
  });

  it('brings the window forward on focus, restoring it when minimized', async () => {
    const win = fakeWindow(true);
    const { attention } = setup({ win });
    await attention.set(input({ focus: true }));
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });

  it('ignores focus without a live window', async () => {
    const gone = fakeWindow();
    gone.isDestroyed.mockReturnValue(true);
    await expect(setup({ win: gone }).attention.set(input({ focus: true }))).resolves.toMatchObject({
      ok: true,
    });
    expect(gone.focus).not.toHaveBeenCalled();
    await expect(setup({ win: null }).attention.set(input({ focus: true }))).resolves.toMatchObject({
      ok: true,
    });
  });

  it.each([
    ['a negative count', { badgeCount: -1 }],
    ['a fractional count', { badgeCount: 2.5 }],
    ['a huge count', { badgeCount: 10_000_000 }],
    ['a string count', { badgeCount: '3' }],
    ['a non-boolean opt-in', { notifications: 1 }],
    ['focus false', { focus: false }],
    ['no object', undefined],
  ])('the contract rejects %s', (_name, raw) => {
    expect(ipc['app:setAttention'].input.safeParse(raw).success).toBe(false);
  });
});

describe('focusWindow', () => {
  it('shows and focuses a window that is not minimized, without restoring it', () => {
    const win = fakeWindow(false);
    focusWindow(win);
    expect(win.restore).not.toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });
});
