import { z } from 'zod';
import { text } from '../domain/text';
import { AppError } from '../result';

/** Every HTTP error body: `{"error":{"code","message","details?"}}`. */
export const ErrorBody = z.object({ error: AppError });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A keyset page: `{data, nextCursor}`; `nextCursor` is opaque and null on the last page. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: text().nullable() });

/** Common list query: an opaque cursor and a bounded limit. */
export const PageQuery = z.object({
  cursor: text().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** `:id` path parameter. */
export const IdParams = z.object({ id: z.uuid() });
export type IdParams = z.infer<typeof IdParams>;

/** A normalised e-mail address (trimmed, lower-cased). */
export const Email = text()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid e-mail address' }).max(254));

/** Password policy: long enough to matter, short enough not to be a hashing DoS. */
export const Password = text()
  .min(10, { message: 'Use at least 10 characters' })
  .max(256, { message: 'Use at most 256 characters' });

/** A display name. */
export const PersonName = text().trim().min(1, { message: 'Enter a name' }).max(120);
