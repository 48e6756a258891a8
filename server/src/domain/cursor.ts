import { z } from 'zod';
import { fail, ok, type Result } from '#contract/result';

// Keyset cursors of the REST lists: the last row's sort values, JSON in base64url. A cursor is
// client input like any other: every list decodes it here, with a schema of its own keys, and a
// cursor that is not one of that list's (garbage, another list's, a date that is no date, a NUL
// that PostgreSQL would refuse) answers 400 `invalid_input` instead of reaching a query.

/** Encodes a keyset position as an opaque, URL-safe cursor. */
export const encodeCursor = (values: Array<string | number>): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

const CursorValues = z
  .array(
    z.union([
      z
        .string()
        .max(300)
        .refine((s) => !s.includes('\u0000')),
      z.number(),
    ]),
  )
  .max(4);

/** Decodes a cursor made by {@link encodeCursor}; undefined when it is not one. */
const decodeCursor = (cursor: string): Array<string | number> | undefined => {
  try {
    const parsed = CursorValues.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const toDate = (v: string | number, ctx: z.RefinementCtx): Date => {
  const at = new Date(v);
  if (!Number.isNaN(at.getTime())) return at;
  ctx.addIssue({ code: 'custom', message: 'Not a date' });
  return z.NEVER;
};

/** A timestamp key written as an ISO string, decoded to a date that is one. */
export const cursorIsoTime = z.string().transform(toDate);

/** A timestamp key written as epoch milliseconds, decoded to a date that is one. */
export const cursorEpochTime = z.number().int().transform(toDate);

/** The answer to a cursor the list did not make. */
export const invalidCursor = () =>
  fail(
    'invalid_input',
    'The cursor is not one this list gave out. Pass the nextCursor of the previous page, or leave cursor out to start from the first page.',
    { fields: [{ path: 'querystring.cursor', message: 'Not a cursor of this list' }] },
  );

/**
 * Decodes an optional list cursor against the list's key `schema` (a tuple of its sort values):
 * `ok(undefined)` without a cursor, `ok(keys)` for one of this list's cursors, else
 * {@link invalidCursor}.
 */
export function parseCursor<S extends z.ZodType>(
  cursor: string | undefined,
  schema: S,
): Result<z.output<S> | undefined> {
  if (cursor === undefined || cursor === '') return ok(undefined);
  const values = decodeCursor(cursor);
  const parsed = values === undefined ? undefined : schema.safeParse(values);
  return parsed?.success ? ok(parsed.data) : invalidCursor();
}
