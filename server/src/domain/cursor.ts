import { z } from 'zod';

/** Encodes a keyset position as an opaque, URL-safe cursor. */
export const encodeCursor = (values: Array<string | number>): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

const CursorValues = z.array(z.union([z.string().max(300), z.number()])).max(4);

/** Decodes a cursor made by {@link encodeCursor}; undefined when it is not one. */
export const decodeCursor = (cursor: string): Array<string | number> | undefined => {
  try {
    const parsed = CursorValues.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
