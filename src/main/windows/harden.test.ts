import { EventEmitter } from 'node:events';
import type { App, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  auditWebContents,
  guardNavigation,
  installCsp,
  installPermissionHandlers,
  windowOpenHandler,
} from './harden';
import { secureWebPreferences } from './security';

vi.mock('electron', () => ({}));

/** A web contents stand-in: an emitter plus the methods the guards call. */
function fakeContents(opts: { type?: string; prefs?: object | null } = {}) {
  const ee = new EventEmitter() as EventEmitter & Record<string, unknown>;
  ee.id = 7;
  ee.setWindowOpenHandler = vi.fn();
  ee.getType = () => opts.type ?? 'window';
  ee.getLastWebPreferences = () => opts.prefs ?? null;
  ee.isDestroyed = () => false;
  ee.close = vi.fn();
  return ee as unknown as WebContents &
    EventEmitter & { close: ReturnType<typeof vi.fn>; setWindowOpenHandler: ReturnType<typeof vi.fn> };
}

const navigate = (wc: EventEmitter, url: string, name = 'will-navigate') => {
  const event = { preventDefault: vi.fn() };
  wc.emit(name, event, url);
  return event.preventDefault.mock.calls.length > 0;
};

describe('navigation lock', () => {
  const origins = ['parley://app'];

  it.each([
    'javascript:alert(document.cookie)',
    'file:///etc/passwd',
    'smb://attacker.example/share',
    'ms-settings:privacy-webcam',
    'whatsapp://send?phone=1',
    'x-custom-scheme://anything',
    'https://facebook.com.evil.example/',
    'https://parley.app.evil.example/',
    'http://www.facebook.com/',
    'parley://evil/index.html',
  ])('blocks %s and never opens it externally', (url) => {
    const wc = fakeContents();
    const openExternal = vi.fn(async () => {});
    guardNavigation(wc, origins, openExternal);
    expect(navigate(wc, url)).toBe(true);
    expect(navigate(wc, url, 'will-redirect')).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('lets the app navigate within itself', () => {
    const wc = fakeContents();
    guardNavigation(wc, origins, vi.fn());
    expect(navigate(wc, 'parley://app/index.html#/settings')).toBe(false);
  });

  it('sends an allow-listed https link to the browser instead of loading it', () => {
    const wc = fakeContents();
    const openExternal = vi.fn(async () => {});
    guardNavigation(wc, origins, openExternal);
    expect(navigate(wc, 'https://business.whatsapp.com/policy')).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://business.whatsapp.com/policy');
  });

  it('blocks subframe navigation away from the app', () => {
    const wc = fakeContents();
    guardNavigation(wc, origins, vi.fn());
    const details = { url: 'https://evil.example/', preventDefault: vi.fn() };
    wc.emit('will-frame-navigate', details);
    expect(details.preventDefault).toHaveBeenCalled();
  });

  it('installs the window-open handler', () => {
    const wc = fakeContents();
    guardNavigation(wc, origins, vi.fn());
    expect(wc.setWindowOpenHandler).toHaveBeenCalledOnce();
  });
});

describe('window.open', () => {
  it('denies every new window and opens only allow-listed https externally', () => {
    const openExternal = vi.fn(async () => {});
    const handler = windowOpenHandler(openExternal);
    const details = (url: string) => ({ url }) as Parameters<typeof handler>[0];
    expect(handler(details('https://www.facebook.com/business'))).toEqual({ action: 'deny' });
    expect(handler(details('javascript:alert(1)'))).toEqual({ action: 'deny' });
    expect(handler(details('https://evil.example/'))).toEqual({ action: 'deny' });
    expect(handler(details('parley://app/index.html'))).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://www.facebook.com/business']]);
  });
});

describe('session hardening', () => {
  function fakeSession() {
    const s = {
      request: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
      check: undefined as undefined | ((wc: unknown, p: string) => boolean),
      device: undefined as undefined | (() => boolean),
      headers: undefined as undefined | ((d: object, cb: (r: object) => void) => void),
    };
    const ses = {
      setPermissionRequestHandler: (h: typeof s.request) => (s.request = h),
      setPermissionCheckHandler: (h: typeof s.check) => (s.check = h),
      setDevicePermissionHandler: (h: typeof s.device) => (s.device = h),
      webRequest: { onHeadersReceived: (h: typeof s.headers) => (s.headers = h) },
    } as unknown as Session;
    return { s, ses };
  }

  it('denies permission requests and checks by default', () => {
    const { s, ses } = fakeSession();
    let optIn = false;
    installPermissionHandlers(ses, { notificationsOptIn: () => optIn });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'fullscreen']) {
      const cb = vi.fn();
      s.request?.(null, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(s.check?.(null, p)).toBe(false);
    }
    expect(s.device?.()).toBe(false);
    optIn = true;
    const cb = vi.fn();
    s.request?.(null, 'notifications', cb);
    expect(cb).toHaveBeenCalledWith(true);
  });

  it('replaces any CSP header with the app policy', () => {
    const { s, ses } = fakeSession();
    installCsp(ses, "default-src 'self'");
    const cb = vi.fn();
    s.headers?.({ responseHeaders: { 'content-security-policy': ['*'], 'x-other': ['1'] } }, cb);
    expect(cb).toHaveBeenCalledWith({
      responseHeaders: { 'x-other': ['1'], 'Content-Security-Policy': ["default-src 'self'"] },
    });
  });
});

describe('web-contents-created audit', () => {
  function setup(contents: ReturnType<typeof fakeContents>) {
    const app = new EventEmitter();
    const onViolation = vi.fn();
    auditWebContents(app as unknown as App, {
      appOrigins: ['parley://app'],
      openExternal: vi.fn(),
      onViolation,
    });
    app.emit('web-contents-created', {}, contents);
    return onViolation;
  }

  it('refuses webviews', () => {
    const wc = fakeContents({ prefs: secureWebPreferences });
    const onViolation = setup(wc);
    const event = { preventDefault: vi.fn() };
    wc.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
    expect(onViolation).toHaveBeenCalled();
    expect(wc.close).not.toHaveBeenCalled();
  });

  it('guards navigation of every contents', () => {
    const wc = fakeContents({ prefs: secureWebPreferences });
    setup(wc);
    expect(navigate(wc, 'file:///etc/passwd')).toBe(true);
    expect(wc.setWindowOpenHandler).toHaveBeenCalled();
  });

  it('closes a contents created with insecure preferences', () => {
    const wc = fakeContents({ prefs: { ...secureWebPreferences, sandbox: false } });
    setup(wc);
    expect(wc.close).toHaveBeenCalled();
  });

  it('re-checks preferences when loading starts', () => {
    const prefs: Record<string, unknown> | null = null;
    const wc = fakeContents({ prefs });
    setup(wc);
    expect(wc.close).not.toHaveBeenCalled();
    (wc as unknown as Record<string, unknown>).getLastWebPreferences = () => ({
      ...secureWebPreferences,
      nodeIntegration: true,
    });
    wc.emit('did-start-loading');
    expect(wc.close).toHaveBeenCalled();
  });

  it('closes webview contents outright', () => {
    const wc = fakeContents({ type: 'webview', prefs: secureWebPreferences });
    setup(wc);
    expect(wc.close).toHaveBeenCalled();
  });
});
