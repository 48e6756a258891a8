import { z } from 'zod';
import { text } from '../domain/text';

/** Stored media bytes' description (`POST /api/v1/media` response). */
export const Media = z.object({
  id: z.uuid(),
  mimeType: text(),
  size: z.number().int().nonnegative(),
  /** Hex SHA-256 of the bytes. */
  sha256: text(),
  fileName: text().nullable(),
  createdAt: text(),
});
export type Media = z.infer<typeof Media>;
