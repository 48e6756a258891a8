import { createHmac, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '#contract/api/api-keys';
import { deriveKey } from '../auth/access-tokens';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `bytes` as base62 (big-endian digits); 32 bytes give 43 characters. */
export function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)]! + out;
    n /= 62n;
  }
  // Fixed width, so every key has the same length (leading zero bytes are kept as '0').
  const width = Math.ceil((bytes.length * 8) / Math.log2(62));
  return out.padStart(width, '0');
}

/** Characters of the secret kept visible after `pk_live_` to recognise a key in lists. */
const VISIBLE = 6;

/** Hashes and mints API keys under a pepper derived from SECRET_KEY. */
export type KeySecrets = {
  /** A new key: the secret (shown once), its stored hash and its visible prefix. */
  mint: () => { key: string; hash: string; prefix: string };
  /** The stored form of a presented key. */
  hash: (key: string) => string;
};

/**
 * HMAC-SHA-256 under a pepper: a stolen table of hashes is useless without SECRET_KEY, and the
 * 256-bit random secret needs no slow hash (see docs/decisions.md).
 */
export function createKeySecrets(secretKey: string): KeySecrets {
  const pepper = deriveKey(secretKey, 'api-key-pepper:v1');
  const hash = (key: string) => createHmac('sha256', pepper).update(key).digest('hex');
  return {
    hash,
    mint: () => {
      const key = `${API_KEY_PREFIX}${base62(randomBytes(32))}`;
      return { key, hash: hash(key), prefix: key.slice(0, API_KEY_PREFIX.length + VISIBLE) };
    },
  };
}

/** Whether a bearer token has the shape of an API key (not proof it is one). */
export const looksLikeApiKey = (token: string): boolean =>
  token.startsWith(API_KEY_PREFIX) && /^[0-9A-Za-z]{43}$/.test(token.slice(API_KEY_PREFIX.length));
