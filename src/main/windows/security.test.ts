import { describe, expect, it } from 'vitest';
import {
  buildCsp,
  hasSecurePreferences,
  isAllowedExternalUrl,
  isAppUrl,
  isPermissionAllowed,
  secureWebPreferences,
} from './security';

describe('web preferences', () => {
  it('turn every protection on', () => {
    expect(secureWebPreferences).toMatchObject({
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
    });
    expect(hasSecurePreferences(secureWebPreferences)).toBe(true);
  });

  it.each([
    ['contextIsolation', false],
    ['sandbox', false],
    ['nodeIntegration', true],
    ['nodeIntegrationInSubFrames', true],
    ['webSecurity', false],
    ['allowRunningInsecureContent', true],
    ['experimentalFeatures', true],
    ['enableBlinkFeatures', 'CSSPseudoHas'],
    ['webviewTag', true],
  ])('are flagged as insecure when %s is %s', (key, value) => {
    expect(hasSecurePreferences({ ...secureWebPreferences, [key]: value })).toBe(false);
  });
});

describe('CSP', () => {
  const csp = buildCsp({ serverUrls: ['http://127.0.0.1:8787', 'https://parley.example.com/base/'] });
  const directive = (name: string) =>
    csp
      .split('; ')
      .find((d) => d.startsWith(`${name} `))
      ?.slice(name.length + 1);

  it('is strict for scripts, objects, bases and framing', () => {
    expect(directive('default-src')).toBe("'self'");
    expect(directive('script-src')).toBe("'self'");
    expect(directive('object-src')).toBe("'none'");
    expect(directive('base-uri')).toBe("'none'");
    expect(directive('frame-ancestors')).toBe("'none'");
    expect(directive('img-src')).toBe("'self' data: blob: parley://media");
    expect(directive('media-src')).toBe("'self' blob: parley://media");
    expect(csp).not.toContain('unsafe-eval');
  });

  it("allows inline styles only (Mantine's runtime styles)", () => {
    expect(directive('style-src')).toBe("'self' 'unsafe-inline'");
  });

  it('lets the app connect to the configured servers over http and ws, nothing else', () => {
    expect(directive('connect-src')).toBe(
      "'self' http://127.0.0.1:8787 ws://127.0.0.1:8787 https://parley.example.com wss://parley.example.com",
    );
  });

  it('relaxes scripts for the Vite dev server only in development', () => {
    const dev = buildCsp({ serverUrls: [], devServerOrigin: 'http://localhost:5173' });
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain('ws://localhost:5173');
  });
});

describe('app URLs', () => {
  const origins = ['parley://app'];
  it('accepts the app origin and nothing that merely looks like it', () => {
    expect(isAppUrl('parley://app/index.html#/inbox', origins)).toBe(true);
    expect(isAppUrl('parley://app.evil/index.html', origins)).toBe(false);
    expect(isAppUrl('parley://evil/index.html', origins)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', origins)).toBe(false);
    expect(isAppUrl('https://app/', origins)).toBe(false);
    expect(isAppUrl('not a url', origins)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', ['http://localhost:5173'])).toBe(true);
    expect(isAppUrl('http://localhost:5174/', ['http://localhost:5173'])).toBe(false);
  });
});

describe('external links', () => {
  it.each([
    'https://www.facebook.com/business/help',
    'https://business.facebook.com/wa/manage',
    'https://developers.facebook.com/docs/whatsapp',
    'https://business.whatsapp.com/policy',
    'https://www.whatsapp.com/legal',
    'https://wa.me/15551234567',
  ])('opens allow-listed https %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    'http://www.facebook.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'smb://attacker/share',
    'ms-settings:privacy',
    'parley://app/index.html',
    'whatsapp://send?phone=1',
    'vscode://file/etc/passwd',
    'https://facebook.com.evil.example/',
    'https://evilfacebook.com/',
    'https://faceb00k.com/',
    'https://xn--facebok-y0a.com/',
    'https://www.facebook.com.',
    'https://user:pass@www.facebook.com/',
    'https://www.facebook.com:8443/',
    'https://whatsapp.com@evil.example/',
    'data:text/html,<script>alert(1)</script>',
    '',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('permissions', () => {
  const off = { notificationsOptIn: () => false };
  it.each([
    'media',
    'geolocation',
    'notifications',
    'midi',
    'hid',
    'serial',
    'usb',
    'openExternal',
    'pointerLock',
  ])('denies %s by default', (p) => {
    expect(isPermissionAllowed(p, off)).toBe(false);
  });

  it('allows notifications only after the user opted in', () => {
    expect(isPermissionAllowed('notifications', { notificationsOptIn: () => true })).toBe(true);
  });
});
