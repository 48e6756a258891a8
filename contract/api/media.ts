import { z } from 'zod';

/** Stored media bytes' description (`POST /api/v1/media` response). */
export const Media = z.object({
  id: z.uuid(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  /** Hex SHA-256 of the bytes. */
  sha256: z.string(),
  fileName: z.string().nullable(),
  createdAt: z.string(),
});
export type Media = z.infer<typeof Media>;
