import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { registerAppProtocol } from './app-protocol';
import { isInside, mediaIdOf, parseRange, serveMedia, type MediaLookup } from './media-protocol';

vi.mock('electron', () => ({}));

const ID = '0190a4b2-0000-7000-8000-000000000001';
const root = mkdtempSync(join(tmpdir(), 'parley-media-root-'));
mkdirSync(join(root, 'r1', 'staged'), { recursive: true });
const file = join(root, 'r1', 'staged', 'abc');
writeFileSync(file, Buffer.from('0123456789'));
const outside = join(mkdtempSync(join(tmpdir(), 'parley-elsewhere-')), 'secret');
writeFileSync(outside, 'secret');

const lookupOf =
  (path: string, mimeType = 'image/png'): MediaLookup =>
  async (id) =>
    id === ID ? { path, mimeType } : null;

describe('parley://media', () => {
  it('accepts only parley://media/<uuid>', () => {
    expect(mediaIdOf(`parley://media/${ID}`)).toBe(ID);
    expect(mediaIdOf(`parley://media/${ID.toUpperCase()}`)).toBe(ID);
    for (const bad of [
      'parley://media/../../etc/passwd',
      `parley://media/${ID}/../x`,
      `parley://media/%2e%2e%2f${ID}`,
      `parley://app/${ID}`,
      `https://media/${ID}`,
      'parley://media/',
      'not a url',
    ])
      expect(mediaIdOf(bad), bad).toBeNull();
  });

  it('serves the file the core names, typed, sandboxed and never sniffed', async () => {
    const res = await serveMedia(new Request(`parley://media/${ID}`), lookupOf(file), root);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(res.headers.get('content-length')).toBe('10');
    expect(await res.text()).toBe('0123456789');
  });

  it('serves byte ranges so video and audio can seek', async () => {
    const part = await serveMedia(
      new Request(`parley://media/${ID}`, { headers: { range: 'bytes=2-4' } }),
      lookupOf(file, 'video/mp4'),
      root,
    );
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-4/10');
    expect(await part.text()).toBe('234');
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=8-', 10)).toEqual({ start: 8, end: 9 });
    expect(parseRange('bytes=12-', 10)).toBe('invalid');
    const bad = await serveMedia(
      new Request(`parley://media/${ID}`, { headers: { range: 'bytes=20-30' } }),
      lookupOf(file),
      root,
    );
    expect(bad.status).toBe(416);
  });

  it('labels a type it does not show inline as opaque bytes', async () => {
    const res = await serveMedia(new Request(`parley://media/${ID}`), lookupOf(file, 'text/html'), root);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('refuses paths outside the media folder, unknown ids and other methods', async () => {
    expect(isInside(root, join(root, 'r1', 'x'))).toBe(true);
    expect(isInside(root, join(root, '..', 'x'))).toBe(false);
    expect((await serveMedia(new Request(`parley://media/${ID}`), lookupOf(outside), root)).status).toBe(404);
    expect(
      (
        await serveMedia(
          new Request(`parley://media/${ID}`),
          lookupOf(join(root, 'r1', '..', '..', 'x')),
          root,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await serveMedia(
          new Request('parley://media/0190a4b2-0000-7000-8000-000000000002'),
          lookupOf(file),
          root,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await serveMedia(
          new Request(`parley://media/${ID}`),
          async () => Promise.reject(new Error('x')),
          root,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await serveMedia(
          new Request(`parley://media/${ID}`, { method: 'POST', body: 'x' }),
          lookupOf(file),
          root,
        )
      ).status,
    ).toBe(405);
  });

  it('is routed by the app protocol by host', async () => {
    let handler: ((r: Request) => Promise<Response>) | undefined;
    const media = vi.fn(async () => new Response('m'));
    registerAppProtocol(
      { handle: (_s: string, h: typeof handler) => (handler = h) } as never,
      root,
      "default-src 'self'",
      media,
    );
    expect(await (await handler!(new Request(`parley://media/${ID}`))).text()).toBe('m');
    expect(media).toHaveBeenCalledTimes(1);
    let bare: ((r: Request) => Promise<Response>) | undefined;
    registerAppProtocol({ handle: (_s: string, h: typeof bare) => (bare = h) } as never, root, 'c');
    expect((await bare!(new Request(`parley://media/${ID}`))).status).toBe(404);
  });
});
