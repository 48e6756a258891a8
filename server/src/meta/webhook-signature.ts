import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '#contract/result';

/** Lower-case name of the header Meta signs webhooks with (HTTP header names are case-insensitive). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** Why a webhook signature was refused. Every variant maps to 401 except `no_secret` (fail closed, 503). */
export type SignatureError =
  | { code: 'no_secret'; message: string }
  | { code: 'missing_signature'; message: string }
  | { code: 'malformed_signature'; message: string }
  | { code: 'bad_signature'; message: string };

// Meta sends `sha256=` followed by 64 lower-case hex digits; we accept upper-case hex too because
// hex case carries no information, but nothing else (no sha1=, no whitespace, no truncation).
const SIGNATURE_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Computes Meta's `X-Hub-Signature-256` value (`sha256=<hex>`) for a webhook body.
 * The body must be the exact bytes that go on the wire: a string is hashed as UTF-8.
 */
export function signWebhookBody(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/**
 * Finds the signature header in a header bag regardless of its case. Node lower-cases
 * incoming header names, but callers may pass a hand-built object or a fetch `Headers`.
 * A header repeated with different values is returned as an array so the caller can refuse it.
 */
export function findSignatureHeader(
  headers: Headers | Record<string, string | string[] | undefined>,
): string | string[] | undefined {
  if (headers instanceof Headers) return headers.get(SIGNATURE_HEADER) ?? undefined;
  const bag = headers;
  const found: string[] = [];
  for (const name of Object.keys(bag)) {
    if (name.toLowerCase() !== SIGNATURE_HEADER) continue;
    const value = bag[name];
    if (Array.isArray(value)) found.push(...value);
    else if (value !== undefined) found.push(value);
  }
  if (found.length === 0) return undefined;
  return found.length === 1 ? found[0] : found;
}

/**
 * Verifies `X-Hub-Signature-256` over the RAW request bytes with the app secret, in constant
 * time. Never hash a re-serialised object: Meta signs its own escaped-unicode serialisation
 * (digest §1.2), so only the bytes as received verify.
 *
 * @param rawBody the request body exactly as received
 * @param header the header value (use {@link findSignatureHeader} for a case-insensitive lookup)
 * @param appSecret the Meta app secret of the account the webhook is addressed to (or any HMAC key)
 */
export function verifyWebhookSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  appSecret: string | null | undefined,
  /** The header's name as messages say it (lead intakes sign with `X-Signature-256`). */
  headerName = 'X-Hub-Signature-256',
): Result<void, SignatureError> {
  // An unset secret must never mean "accept everything".
  if (!appSecret) return err({ code: 'no_secret', message: 'No app secret is configured for this account' });
  if (header === undefined || header === '') {
    return err({ code: 'missing_signature', message: `${headerName} header is missing` });
  }
  if (Array.isArray(header)) {
    return err({ code: 'malformed_signature', message: `${headerName} header is repeated` });
  }
  const match = SIGNATURE_FORMAT.exec(header);
  if (!match?.[1]) {
    return err({ code: 'malformed_signature', message: `${headerName} is not sha256=<64 hex digits>` });
  }
  const received = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  // Both are 32 bytes here (format checked above), which timingSafeEqual requires.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return err({ code: 'bad_signature', message: `${headerName} does not match the body` });
  }
  return ok(undefined);
}

/**
 * Convenience for route handlers: looks the header up case-insensitively and verifies it.
 */
export function verifyWebhookRequest(input: {
  rawBody: Buffer;
  headers: Headers | Record<string, string | string[] | undefined>;
  appSecret: string | null | undefined;
}): Result<void, SignatureError> {
  return verifyWebhookSignature(input.rawBody, findSignatureHeader(input.headers), input.appSecret);
}
