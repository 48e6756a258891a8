import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { fail, ok, type Result } from '#contract/result';

/**
 * NIST SP 800-63B §3.1.1.2 (issue 9, finding 7): besides the length the contract checks (10 to
 * 256 characters), refuse passwords found in lists of common or breached passwords, repetitive or
 * sequential ones, and ones built from the user's own details. zxcvbn-ts scores each against its
 * shipped common-password and word lists (language-common), keyboard patterns, repeats and
 * sequences, and the user inputs we pass (e-mail, its local part, name, organization name);
 * score 3 ("safely unguessable: moderate protection from offline slow-hash attacks") is the floor,
 * the level the zxcvbn authors recommend for accounts. No composition rules (NIST says not to).
 * Built once per process (the dictionaries take ~100 ms to index); a check takes ~20 ms.
 */
let factory: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs }));

/** The minimum zxcvbn score (0–4) a new password needs. */
export const MIN_PASSWORD_SCORE = 3;

/** zxcvbn's warning keys, as a sentence saying why (its own sentences ship in language packs). */
const why: Record<string, string> = {
  userInputs: 'it contains your name or e-mail address',
  common: 'it is one of the most common passwords',
  commonNames: 'it is built on a common name',
  topTen: 'it is one of the ten most common passwords',
  topHundred: 'it is one of the hundred most common passwords',
  similarToCommon: 'it is very close to a common password',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'names on their own are easy to guess',
  straightRow: 'it follows a row of keys on the keyboard',
  keyPattern: 'it follows a keyboard pattern',
  simpleRepeat: 'it repeats the same characters',
  extendedRepeat: 'it repeats a pattern of characters',
  sequences: 'it is a sequence like "abc" or "6543"',
  recentYears: 'it contains a recent year',
  dates: 'it contains a date',
};

/**
 * `ok` when `password` is strong enough for this user, else 400 `invalid_input` naming `field`
 * with a sentence saying why.
 */
export function checkPasswordStrength(
  password: string,
  userInputs: ReadonlyArray<string | null | undefined>,
  field = 'body.password',
): Result<null> {
  const inputs = userInputs
    .flatMap((v) => (v ? [v, ...v.split(/[@\s.+_-]+/)] : []))
    .filter((v) => v.length >= 3)
    .map((v) => v.toLowerCase());
  const result = zxcvbn().check(password, inputs);
  if (result.score >= MIN_PASSWORD_SCORE) return ok(null);
  const reason = (result.feedback.warning && why[result.feedback.warning]) ?? 'it would be guessed quickly';
  const message = `Choose a stronger password: ${reason}. A few unrelated words together work well.`;
  return fail('invalid_input', message, { fields: [{ path: field, message }] });
}
