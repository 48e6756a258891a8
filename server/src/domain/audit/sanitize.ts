import { isIP } from 'node:net';

// PostgreSQL `text` cannot hold U+0000, and `jsonb` refuses both `\u0000` and unpaired UTF-16
// surrogates (`\ud800`), which JSON.stringify emits for a lone surrogate in a JS string. Any of
// them in an audit row would fail the insert and, since the row is written in the change's own
// transaction, roll the admin's change back. So everything that goes into an audit row passes
// through here first: such characters become U+FFFD, long strings are cut, odd values dropped.

const REPLACEMENT = '\uFFFD';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Longest string kept inside `details`. */
export const MAX_DETAIL_STRING = 2000;
/** Deepest nesting kept inside `details`; deeper values become null. */
const MAX_DEPTH = 6;
/** Most array items or object keys kept per level of `details`. */
const MAX_ITEMS = 200;

/** A JSON value as stored in `details`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * `value` with U+0000 and unpaired surrogates replaced by U+FFFD, cut to `max` code units (an
 * ellipsis marks the cut; a pair split by the cut is repaired too).
 */
export function cleanText(value: string, max: number): string {
  const cut = value.length > max ? `${value.slice(0, Math.max(0, max - 1))}…` : value;
  return cut.replaceAll('\u0000', REPLACEMENT).replace(LONE_SURROGATE, REPLACEMENT);
}

/**
 * A JSON-safe deep copy for `details`: strings cleaned ({@link cleanText}), keys too; Dates as
 * ISO strings; non-finite numbers, functions, symbols and bigints as null (or dropped from
 * objects when undefined). Bounded in depth and width so a careless caller cannot store a blob.
 */
export function cleanJson(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cleanText(value, MAX_DETAIL_STRING);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH || typeof value !== 'object') return null;
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => cleanJson(v, depth + 1));
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value).slice(0, MAX_ITEMS)) {
    if (v === undefined) continue;
    out[cleanText(k, 100)] = cleanJson(v, depth + 1);
  }
  return out;
}

/** The caller's address when it is an IP address (an IPv6 zone suffix dropped), else null. */
export function cleanIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const bare = ip.split('%')[0] ?? '';
  return isIP(bare) ? bare : null;
}
