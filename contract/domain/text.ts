import { z } from 'zod';

/**
 * What PostgreSQL `text` (UTF-8) cannot hold: U+0000, and UTF-16 surrogates without their pair
 * (JSON can carry `"\ud800"`, UTF-8 cannot). Both made inserts fail with a 500 before (issue 9,
 * findings 1–2), so every string the contract accepts from outside refuses them at the boundary.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this must find
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `value` can be stored as PostgreSQL text as is. */
export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

/** The sentence a person gets when a field holds an unstorable character. */
export const UNSTORABLE_TEXT_MESSAGE =
  'Remove the null character (U+0000) or unpaired surrogate from this text; it cannot be stored';

/**
 * The contract's string type: a `z.string()` that refuses U+0000 and lone surrogates, so each
 * route and socket mutation answers 400 `invalid_input` naming the field instead of failing in
 * the database. Chain `.trim()`, `.min()`, `.max()` as on `z.string()`.
 */
export const text = () => z.string().refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE });
