import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { appResponseHeaders, registerAppProtocol, resolveAppFile } from './app-protocol';

vi.mock('electron', () => ({}));

const root = mkdtempSync(join(tmpdir(), 'parley-renderer-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Parley</title>');
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');

describe('app protocol', () => {
  it('maps app URLs to files in the renderer folder', () => {
    expect(resolveAppFile(root, 'parley://app/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'parley://app/index.html?x=1#/inbox')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'parley://app/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveAppFile(root, 'parley://app/settings/profile')).toBe(join(root, 'index.html'));
  });

  it.each([
    'parley://app/../../etc/passwd',
    'parley://app/%2e%2e/%2e%2e/etc/passwd.txt',
    'parley://app/assets/..%2f..%2f..%2fetc%2fpasswd.txt',
    'parley://app/..%5c..%5cwindows%5cwin.ini',
    'parley://app/assets/%00.js',
    'parley://app/%E0%A4%A',
    'parley://other/index.html',
    'https://app/index.html',
  ])('never resolves %s outside the renderer folder', (url) => {
    const file = resolveAppFile(root, url);
    expect(file === null || file.startsWith(root + sep)).toBe(true);
  });

  it('serves files with their type, the CSP and nosniff; 404 otherwise', async () => {
    let handler: ((r: Request) => Promise<Response>) | undefined;
    registerAppProtocol(
      { handle: (_s: string, h: typeof handler) => (handler = h) } as never,
      root,
      "default-src 'self'",
    );
    const ok = await handler!(new Request('parley://app/assets/app.js'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await ok.text()).toBe('console.log(1)');
    expect((await handler!(new Request('parley://app/missing.js'))).status).toBe(404);
    expect((await handler!(new Request('parley://app/../../etc/passwd.txt'))).status).toBe(404);
  });

  it('labels unknown types as binary', () => {
    expect(appResponseHeaders('/x/file.bin', 'c')['content-type']).toBe('application/octet-stream');
  });
});
