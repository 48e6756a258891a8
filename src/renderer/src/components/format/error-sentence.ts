import { formatDateTime } from './format-time';

// An ISO 8601 instant as servers write them ("2026-12-05T19:35:01Z", "…01.123+00:00").
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;
// A trailing "(code window_closed)" some messages carry; the code belongs in the details.
const TRAILING_CODE = /\s*\(code [\w.:-]+\)\.?\s*$/;

/**
 * An error message as a sentence for a person: every ISO time becomes their locale's date and
 * time ("5 Dec, 19:35"), a trailing "(code …)" goes (the code is shown in a details disclosure),
 * and it ends with a full stop.
 */
export function errorSentence(message: string): string {
  const text = message
    .replace(TRAILING_CODE, '')
    .replace(ISO_INSTANT, (iso) => formatDateTime(iso) || iso)
    .trim();
  if (!text) return 'Something went wrong.';
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/** What can help after a refusal: a template, sending again, or nothing from here. */
export type Remedy = 'template' | 'retry' | 'none';

/**
 * Codes (server's or Meta's) after which sending the same thing again cannot succeed; the same
 * rule as the core's outbox tray (`NOT_RETRYABLE`): a lost scope can come back, so it is not here.
 */
const CANNOT_SUCCEED = new Set([
  'opted_out',
  'forbidden',
  'not_found',
  'invalid',
  'unsupported',
  'payload_too_large',
  'unsupported_media_type',
]);
/** The reply window is closed: Parley's code and Meta's "re-engagement message" (131047). */
const NEEDS_TEMPLATE = new Set(['window_closed', '131047']);

/**
 * What to offer after a failure with this code. A closed window needs a template, unless the
 * customer has written since (`windowOpen`), when sending again works.
 */
export function remedyFor(code: string | null | undefined, windowOpen: boolean): Remedy {
  if (code && NEEDS_TEMPLATE.has(code)) return windowOpen ? 'retry' : 'template';
  if (code && CANNOT_SUCCEED.has(code)) return 'none';
  return 'retry';
}
