import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { fail, ok, type Result } from '#contract/result';

// The SSRF guard of outgoing webhooks. A URL is checked when it is registered and again at every
// delivery; at delivery the check runs inside the socket's own DNS lookup, so the address that
// was checked is the address connected to (no second resolution a DNS rebinding could change).
// Only public unicast addresses pass: ipaddr.js names every other range (loopback, private,
// linkLocal — which holds the 169.254.169.254 cloud metadata address —, carrierGradeNat,
// uniqueLocal, multicast, reserved, unspecified, IPv4-mapped and NAT64 forms…).

/** Whether `address` (IPv4 or IPv6, IPv4-mapped forms unwrapped) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1 is loopback); NAT64, 6to4 and Teredo
  // forms have ranges of their own, so they are refused too.
  return ipaddr.process(address).range() === 'unicast';
}

/** How a URL check's refusals name the URL: "The URL" / "Webhook URLs", "The media URL" / … */
export type UrlWords = { the: string; plural: string; enter: string };

/**
 * A URL's own checks, before any resolution: https only (http too with `allowPrivate`), no
 * credentials, and a literal address must be public (`http://2130706433/` and
 * `http://[::ffff:127.0.0.1]/` arrive here as their canonical forms, which the WHATWG parser
 * produces); a name must look public. The sentence of the first check that fails, or the URL.
 */
export function checkUrlSyntax(
  raw: string,
  allowPrivate: boolean,
  words: UrlWords,
): { ok: true; url: URL } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: words.enter };
  }
  if (url.username || url.password)
    return { ok: false, message: `${words.the} must not carry a user name or password` };
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
    return { ok: false, message: `${words.plural} must use https://` };
  if (allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    if (!isPublicAddress(host))
      return {
        ok: false,
        message: `${words.the} points at a private or reserved address (${host}); use a public one`,
      };
  } else if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
    return { ok: false, message: `${words.the}'s host (${host}) is not a public name` };
  }
  return { ok: true, url };
}

/**
 * Checks a webhook URL without resolving it ({@link checkUrlSyntax}). Names are checked after
 * resolution ({@link guardedLookup}).
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): Result<URL> {
  const r = checkUrlSyntax(raw, allowPrivate, {
    the: 'The URL',
    plural: 'Webhook URLs',
    enter: 'Enter an absolute https:// URL',
  });
  return r.ok ? ok(r.url) : fail('invalid_input', r.message);
}

/** A refused resolution, so the delivery reports why instead of a bare connection error. */
export class BlockedAddressError extends Error {
  readonly code = 'EWEBHOOKBLOCKED';
}

/**
 * A `lookup` for sockets that resolves like Node's and refuses when ANY address of the name is
 * not public (a name with one public and one private address could otherwise be steered).
 */
export function guardedLookup(resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const bad = list.find((a) => !isPublicAddress(a.address));
      if (bad || list.length === 0) {
        return callback(
          new BlockedAddressError(
            `${hostname} resolves to a private or reserved address (${bad?.address ?? 'none'})`,
          ),
          '',
          0,
        );
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** What one POST produced. */
export type PostResult =
  | {
      kind: 'response';
      status: number;
      durationMs: number;
      /** The first {@link EXCERPT_BYTES} bytes of the answer, as the admin's delivery log shows them. */
      bodyExcerpt?: Buffer;
    }
  | { kind: 'error'; error: string; durationMs: number };

/** How much of a receiver's answer is kept for the delivery log ("Send test event" shows it). */
export const EXCERPT_BYTES = 1024;

/** Options of {@link createWebhookHttp}. */
export type WebhookHttpOptions = {
  /** Allow http and private addresses (WEBHOOK_ALLOW_PRIVATE_URLS; never in production). */
  allowPrivate: boolean;
  /** Whole-attempt timeout (default 10 s). */
  timeoutMs?: number;
  /** At most this much of a response body is read (default 64 KiB). */
  maxBodyBytes?: number;
  /** DNS resolver (tests point names at private addresses). */
  resolve?: typeof dnsLookup;
};

/** The HTTP client of webhook deliveries (and of the benchmark's raw baseline). */
export type WebhookHttp = {
  post: (url: string, headers: Record<string, string>, body: string) => Promise<PostResult>;
  close: () => void;
};

/**
 * POSTs with keep-alive agents whose sockets resolve through {@link guardedLookup}. Redirects are
 * never followed (node:http does not; a 3xx is a failed attempt), at most `maxBodyBytes` of the
 * answer is read, and the attempt is abandoned after `timeoutMs`.
 */
export function createWebhookHttp(opts: WebhookHttpOptions): WebhookHttp {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBody = opts.maxBodyBytes ?? 64 * 1024;
  const lookup = opts.allowPrivate ? undefined : guardedLookup(opts.resolve);
  const agentOptions = { keepAlive: true, maxSockets: 64, ...(lookup && { lookup }) };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  const post = (raw: string, headers: Record<string, string>, body: string): Promise<PostResult> => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const checked = checkWebhookUrl(raw, opts.allowPrivate);
    if (!checked.ok) return Promise.resolve({ kind: 'error', error: checked.error.message, durationMs: 0 });
    const url = checked.value;
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<PostResult>((resolvePromise) => {
      let settled = false;
      const done = (r: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolvePromise(r);
      };
      const req = lib.request(url, {
        method: 'POST',
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Parley-Webhooks/1',
        },
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`No answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      req.on('response', (res) => {
        let read = 0;
        const status = res.statusCode ?? 0;
        const head: Buffer[] = [];
        const answer = (): PostResult => ({
          kind: 'response',
          status,
          durationMs: elapsed(),
          bodyExcerpt: Buffer.concat(head).subarray(0, EXCERPT_BYTES),
        });
        res.on('data', (chunk: Buffer) => {
          if (read < EXCERPT_BYTES) head.push(chunk.subarray(0, EXCERPT_BYTES - read));
          read += chunk.length;
          // The body is not used beyond its first bytes; a receiver streaming more is cut off.
          if (read > maxBody) {
            res.destroy();
            done(answer());
          }
        });
        res.on('end', () => done(answer()));
        res.on('error', () => done(answer()));
      });
      req.on('error', (e) => done({ kind: 'error', error: e.message || String(e), durationMs: elapsed() }));
      req.end(body);
    });
  };

  return {
    post,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
