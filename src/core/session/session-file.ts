import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../fs-util';

/**
 * `<dataDir>/session.json`: which replica belongs to the current session, and the server URL
 * to pre-fill after signing out. Holds no secret (the refresh token is in the token store).
 */
export const SessionPointer = z.object({
  current: z
    .object({
      serverUrl: z.string(),
      organizationId: z.string(),
      userId: z.string(),
      /** File name under `<dataDir>/replicas/`. */
      replicaFile: z.string().regex(/^[0-9a-f]{32}\.sqlite$/),
    })
    .nullable(),
  lastServerUrl: z.string().nullable(),
});
export type SessionPointer = z.infer<typeof SessionPointer>;

/** Reads and writes the pointer; a missing or broken file reads as "no session". */
export function createSessionFile(dataDir: string): {
  read(): SessionPointer;
  write(p: SessionPointer): void;
} {
  const file = join(dataDir, 'session.json');
  return {
    read() {
      const parsed = SessionPointer.safeParse(readJsonFile(file));
      return parsed.success ? parsed.data : { current: null, lastServerUrl: null };
    },
    write: (p) => writeJsonFile(file, p),
  };
}
