import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';
import { WHATSAPP_LIMITS, type MediaType } from '#contract/domain/messaging';
import { fail, ok, type Result } from '#contract/result';
import { checkUrlSyntax, guardedLookup, isPublicAddress } from '../webhooks/safe-http';

// Media by URL (`POST /api/v1/messages` with `media.url`): Meta fetches the file itself from the
// link; Parley fetches its own copy for the thread. Parley's fetch is a request to an address
// an integrator chose, so it is guarded against SSRF like outgoing webhooks: https only, the
// name resolved and refused unless EVERY address is public (loopback, private, link-local with
// the 169.254.169.254 metadata address, unique-local… are not), and the socket connects through
// the same guarded lookup (no second resolution a DNS rebinding could change). Redirects are
// followed by hand, each hop checked again; the size is capped by type, the time by a timeout.
// `allowPrivate` (ALLOW_PRIVATE_MEDIA_URLS) lifts the address and https rules for tests.

/** Options of the media URL guard and fetcher. */
export type MediaUrlOptions = {
  allowPrivate: boolean;
  /** Whole-fetch timeout, redirects included (default 15 s). */
  timeoutMs?: number;
  /** Redirects followed at most (default 3). */
  maxRedirects?: number;
  /** DNS resolver (tests point names at private addresses). */
  resolve?: typeof dnsLookup;
};

/** A fetched copy. */
export type FetchedMedia = { bytes: Buffer; mimeType: string };

/** Why a fetch failed; `permanent` failures are not retried. */
export type FetchFailure = { message: string; permanent: boolean };

const refuse = (message: string) =>
  fail('invalid_input', message, { fields: [{ path: 'body.media.url', message }] });

/** The URL's own checks, before any resolution: scheme, credentials, a literal address. */
export function checkMediaUrlSyntax(raw: string, allowPrivate: boolean): Result<URL> {
  const r = checkUrlSyntax(raw, allowPrivate, {
    the: 'The media URL',
    plural: 'Media URLs',
    enter: 'Enter an absolute https:// URL for the media',
  });
  return r.ok ? ok(r.url) : refuse(r.message);
}

/**
 * Checks a media URL before the send is queued: its syntax, then its name resolved, refusing
 * when any address is not public (unless `allowPrivate`). A name that does not resolve is refused
 * too: Meta could not fetch it either.
 */
export async function checkMediaUrl(raw: string, opts: MediaUrlOptions): Promise<Result<URL>> {
  const checked = checkMediaUrlSyntax(raw, opts.allowPrivate);
  if (!checked.ok || opts.allowPrivate) return checked;
  const host = checked.value.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) return checked;
  const resolve = opts.resolve ?? dnsLookup;
  const addresses = await new Promise<LookupAddress[] | Error>((done) =>
    resolve(host, { all: true }, (error, list) => done(error ?? (list as unknown as LookupAddress[]))),
  );
  if (addresses instanceof Error || addresses.length === 0)
    return refuse(`The media URL's host (${host}) does not resolve`);
  const bad = addresses.find((a) => !isPublicAddress(a.address));
  if (bad)
    return refuse(
      `The media URL's host (${host}) resolves to a private or reserved address (${bad.address})`,
    );
  return checked;
}

/**
 * Fetches a copy of `raw` as media of `type`: at most WhatsApp's size for the type, a content
 * type WhatsApp takes for it. Every hop (redirects included) is checked and connected through
 * the guarded lookup.
 */
export async function fetchMediaUrl(
  raw: string,
  type: MediaType,
  opts: MediaUrlOptions,
): Promise<{ ok: true; value: FetchedMedia } | { ok: false; error: FetchFailure }> {
  const limits = WHATSAPP_LIMITS.media[type];
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxRedirects = opts.maxRedirects ?? 3;
  const lookup = opts.allowPrivate ? undefined : guardedLookup(opts.resolve);
  const deadline = Date.now() + timeoutMs;
  const failed = (message: string, permanent: boolean) => ({
    ok: false as const,
    error: { message, permanent },
  });

  let current = raw;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const checked = checkMediaUrlSyntax(current, opts.allowPrivate);
    if (!checked.ok) return failed(checked.error.message, true);
    const url = checked.value;
    const answer = await get(url, lookup, deadline - Date.now(), limits.maxBytes);
    if (answer.kind === 'error') return failed(answer.message, answer.permanent);
    if (answer.kind === 'redirect') {
      if (!answer.location) return failed('The media URL redirected without a Location', true);
      current = new URL(answer.location, url).toString();
      continue;
    }
    const mimeType = (answer.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(limits.mimeTypes as readonly string[]).includes(mimeType))
      return failed(
        `The media URL served ${mimeType || 'no content type'}; WhatsApp takes ${limits.mimeTypes.join(', ')} for ${type}`,
        true,
      );
    return { ok: true, value: { bytes: answer.bytes, mimeType } };
  }
  return failed(`The media URL redirected more than ${maxRedirects} times`, true);
}

type Answer =
  | { kind: 'body'; bytes: Buffer; contentType: string | undefined }
  | { kind: 'redirect'; location: string | undefined }
  | { kind: 'error'; message: string; permanent: boolean };

/** One GET without following redirects, cut off past `maxBytes` or `timeoutMs`. */
function get(
  url: URL,
  lookup: ReturnType<typeof guardedLookup> | undefined,
  timeoutMs: number,
  maxBytes: number,
): Promise<Answer> {
  if (timeoutMs <= 0)
    return Promise.resolve({ kind: 'error', message: 'The media URL timed out', permanent: false });
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve) => {
    let settled = false;
    const done = (a: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    const req = lib.get(url, {
      ...(lookup && { lookup }),
      // A fresh connection per fetch: the guarded lookup runs for each.
      agent: false,
      headers: { 'user-agent': 'Parley-Media/1', accept: '*/*' },
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({
        kind: 'error',
        message: `The media URL did not answer within ${Math.round(timeoutMs / 1000)} s`,
        permanent: false,
      });
    }, timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.resume();
        return done({ kind: 'redirect', location: res.headers.location });
      }
      if (status !== 200) {
        res.resume();
        // 4xx will not change on a retry (408 and 429 may); 5xx may.
        const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
        return done({ kind: 'error', message: `The media URL answered HTTP ${status}`, permanent });
      }
      const tooBig = () =>
        done({
          kind: 'error',
          message: `The file is larger than ${maxBytes} bytes, WhatsApp's limit for its type`,
          permanent: true,
        });
      if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
        res.destroy();
        return tooBig();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          return tooBig();
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        done({ kind: 'body', bytes: Buffer.concat(chunks), contentType: res.headers['content-type'] }),
      );
      res.on('error', (e) => done({ kind: 'error', message: e.message, permanent: false }));
    });
    req.on('error', (e) => {
      const blocked = (e as { code?: string }).code === 'EWEBHOOKBLOCKED';
      done({ kind: 'error', message: e.message || String(e), permanent: blocked });
    });
  });
}
