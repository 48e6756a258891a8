import type { LookupAddress } from 'node:dns';
import type { lookup } from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookUrl, createWebhookHttp, guardedLookup, isPublicAddress } from './safe-http';

/** A resolver answering fixed addresses per name (no network). */
const fakeResolver = (table: Record<string, string[]>): typeof lookup =>
  ((hostname: string, _opts: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) => {
    const addrs = table[hostname];
    if (!addrs)
      return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    cb(
      null,
      addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as typeof lookup;

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    'ff02::1',
  ])('refuses %s', (a) => expect(isPublicAddress(a)).toBe(false));
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('accepts %s', (a) =>
    expect(isPublicAddress(a)).toBe(true),
  );
});

describe('checkWebhookUrl (registration)', () => {
  it.each([
    ['http://hooks.example.com/x', /must use https/],
    ['https://127.0.0.1/x', /private or reserved address \(127\.0\.0\.1\)/],
    ['https://2130706433/x', /private or reserved address \(127\.0\.0\.1\)/], // decimal loopback
    ['https://0x7f000001/x', /private or reserved address \(127\.0\.0\.1\)/],
    ['https://[::ffff:127.0.0.1]/x', /private or reserved address/], // IPv6-mapped loopback
    ['https://[::1]/x', /private or reserved address/],
    ['https://169.254.169.254/latest/meta-data', /private or reserved address/],
    ['https://100.64.1.1/x', /private or reserved address/],
    ['https://localhost/x', /not a public name/],
    ['https://intranet/x', /not a public name/],
    ['https://user:pw@hooks.example.com/x', /user name or password/],
    ['ftp://hooks.example.com/x', /must use https/],
    ['not a url', /absolute https/],
  ])('refuses %s', (url, message) => {
    const r = checkWebhookUrl(url, false);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(message);
  });
  it('accepts a public https URL, and http/private ones only when allowed', () => {
    expect(checkWebhookUrl('https://hooks.example.com/parley', false).ok).toBe(true);
    expect(checkWebhookUrl('http://127.0.0.1:9999/x', true).ok).toBe(true);
  });
});

describe('guardedLookup and the delivery client (every attempt)', () => {
  let server: ReturnType<typeof createServer>;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/redirect') {
        res.writeHead(307, { location: 'http://127.0.0.1/elsewhere' });
        return res.end();
      }
      if (req.url === '/big') {
        res.writeHead(200);
        // 1 MiB: the client reads at most 64 KiB of it.
        return res.end(Buffer.alloc(1024 * 1024, 'x'));
      }
      res.writeHead(200);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a name when any of its addresses is private', async () => {
    const resolve = fakeResolver({
      'mixed.example': ['8.8.8.8', '10.0.0.5'],
      'rebind.example': ['127.0.0.1'],
    });
    const look = guardedLookup(resolve);
    for (const name of ['mixed.example', 'rebind.example']) {
      const error = await new Promise<Error | null>((r) => look(name, {}, (e) => r(e)));
      expect(error?.message).toMatch(/resolves to a private or reserved address/);
    }
    const ok = await new Promise<string>((r) =>
      guardedLookup(fakeResolver({ 'good.example': ['8.8.8.8'] }))('good.example', {}, (_e, a) =>
        r(String(a)),
      ),
    );
    expect(ok).toBe('8.8.8.8');
  });

  it('never connects to a DNS name resolving to loopback (checked inside the socket lookup)', async () => {
    const http = createWebhookHttp({
      allowPrivate: false,
      resolve: fakeResolver({ 'hooks.evil.example': ['127.0.0.1'] }),
    });
    const before = hits;
    const r = await http.post(`https://hooks.evil.example:${port}/x`, {}, '{}');
    http.close();
    expect(r).toMatchObject({
      kind: 'error',
      error: expect.stringMatching(/resolves to a private or reserved address \(127\.0\.0\.1\)/),
    });
    expect(hits).toBe(before);
  });

  it('refuses literal private addresses at delivery time too', async () => {
    const http = createWebhookHttp({ allowPrivate: false });
    for (const url of [
      `https://127.0.0.1:${port}/x`,
      `https://2130706433:${port}/x`,
      `https://[::ffff:127.0.0.1]:${port}/x`,
    ]) {
      expect(await http.post(url, {}, '{}')).toMatchObject({
        kind: 'error',
        error: expect.stringMatching(/private or reserved/),
      });
    }
    http.close();
  });

  it('does not follow redirects, and reads at most 64 KiB of an answer', async () => {
    const http = createWebhookHttp({ allowPrivate: true });
    const before = hits;
    expect(await http.post(`http://127.0.0.1:${port}/redirect`, {}, '{}')).toMatchObject({
      kind: 'response',
      status: 307,
    });
    expect(hits).toBe(before + 1);
    expect(await http.post(`http://127.0.0.1:${port}/big`, {}, '{}')).toMatchObject({
      kind: 'response',
      status: 200,
    });
    http.close();
  });

  it('gives up after the timeout', async () => {
    const slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const http = createWebhookHttp({ allowPrivate: true, timeoutMs: 100 });
    const r = await http.post(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, {}, '{}');
    expect(r).toMatchObject({ kind: 'error', error: 'No answer within 0.1 s' });
    http.close();
    slow.closeAllConnections();
    await new Promise<void>((res) => slow.close(() => res()));
  });
});
