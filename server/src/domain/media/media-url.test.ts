import type { lookup as dnsLookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMediaUrl, fetchMediaUrl } from './media-url';

// The SSRF guard of media by URL: refusals of private, loopback and link-local addresses (as
// literals and behind names) when ALLOW_PRIVATE_MEDIA_URLS is off; the fetch's limits (size,
// type, timeout, redirects) against a local server with it on.

/** A resolver that answers every name with `address` (what a hostile DNS would do). */
const resolvingTo = (address: string, family = 4): typeof dnsLookup =>
  ((_host: string, _opts: unknown, cb: (e: Error | null, a: unknown) => void) =>
    cb(null, [{ address, family }])) as unknown as typeof dnsLookup;

describe('checkMediaUrl without ALLOW_PRIVATE_MEDIA_URLS', () => {
  const off = { allowPrivate: false };
  for (const url of [
    'https://127.0.0.1/a.jpg',
    'https://10.1.2.3/a.jpg',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/a.jpg',
    'https://[::ffff:127.0.0.1]/a.jpg',
    'https://192.168.0.10/a.jpg',
    'https://localhost/a.jpg',
  ])
    it(`refuses ${url}`, async () => {
      const r = await checkMediaUrl(url, off);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: 'invalid_input' });
    });

  it('refuses http:// and credentials', async () => {
    expect((await checkMediaUrl('http://files.example.com/a.jpg', off)).ok).toBe(false);
    expect((await checkMediaUrl('https://u:p@files.example.com/a.jpg', off)).ok).toBe(false);
  });

  it('refuses a public-looking name that resolves to a private or link-local address', async () => {
    for (const address of ['127.0.0.1', '10.0.0.5', '169.254.169.254']) {
      const r = await checkMediaUrl('https://cdn.example.com/a.jpg', {
        allowPrivate: false,
        resolve: resolvingTo(address),
      });
      expect(r.ok, address).toBe(false);
      if (!r.ok) expect(r.error.message).toContain(address);
    }
    const v6 = await checkMediaUrl('https://cdn.example.com/a.jpg', {
      allowPrivate: false,
      resolve: resolvingTo('::1', 6),
    });
    expect(v6.ok).toBe(false);
  });

  it('accepts a name that resolves to a public address', async () => {
    const r = await checkMediaUrl('https://cdn.example.com/a.jpg', {
      allowPrivate: false,
      resolve: resolvingTo('93.184.216.34'),
    });
    expect(r.ok).toBe(true);
  });
});

describe('fetchMediaUrl', () => {
  let server: Server;
  let base: string;
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok.png') {
        res.writeHead(200, { 'content-type': 'image/png; charset=binary' });
        return res.end(png);
      }
      if (req.url === '/big.png') {
        // No content-length: the cap must hold while streaming.
        res.writeHead(200, { 'content-type': 'image/png' });
        const chunk = Buffer.alloc(1024 * 1024);
        for (let i = 0; i < 6; i++) res.write(chunk);
        return res.end();
      }
      if (req.url === '/slow.png') return; // never answers
      if (req.url === '/loop') {
        res.writeHead(302, { location: '/loop' });
        return res.end();
      }
      res.writeHead(503);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const on = { allowPrivate: true, timeoutMs: 1_000 };

  it('fetches a file of an accepted type (with ALLOW_PRIVATE_MEDIA_URLS)', async () => {
    const r = await fetchMediaUrl(`${base}/ok.png`, 'image', on);
    expect(r).toEqual({ ok: true, value: { bytes: png, mimeType: 'image/png' } });
  });

  it('stops past WhatsApp’s size for the type, on a timeout, on redirect loops and on 5xx', async () => {
    const big = await fetchMediaUrl(`${base}/big.png`, 'image', on);
    expect(big).toMatchObject({ ok: false, error: { permanent: true } });
    expect(!big.ok && big.error.message).toContain('larger than');
    const slow = await fetchMediaUrl(`${base}/slow.png`, 'image', on);
    expect(slow).toMatchObject({ ok: false, error: { permanent: false } });
    const loop = await fetchMediaUrl(`${base}/loop`, 'image', on);
    expect(loop).toMatchObject({ ok: false, error: { permanent: true } });
    const down = await fetchMediaUrl(`${base}/down`, 'image', on);
    expect(down).toMatchObject({
      ok: false,
      error: { message: 'The media URL answered HTTP 503', permanent: false },
    });
  });

  it('refuses the type when the server sends another', async () => {
    const r = await fetchMediaUrl(`${base}/ok.png`, 'document', on);
    expect(r).toMatchObject({ ok: false, error: { permanent: true } });
    expect(!r.ok && r.error.message).toContain('image/png');
  });

  it('without the flag: refuses a loopback URL, and a name that resolves to loopback at connect time', async () => {
    const direct = await fetchMediaUrl(`${base}/ok.png`, 'image', { allowPrivate: false });
    expect(direct).toMatchObject({ ok: false, error: { permanent: true } });
    // The socket's own lookup is guarded: a name re-pointed after the send's check (DNS
    // rebinding) is refused where it connects. Redirect hops go through the same lookup.
    const hop = await fetchMediaUrl('https://cdn.example.com/a.png', 'image', {
      allowPrivate: false,
      resolve: resolvingTo('127.0.0.1'),
    });
    expect(hop).toMatchObject({ ok: false, error: { permanent: true } });
    expect(!hop.ok && hop.error.message).toContain('127.0.0.1');
  });
});
