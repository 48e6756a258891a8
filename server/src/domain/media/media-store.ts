import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where media bytes live. Keys are relative paths chosen by Parley (`<org>/<sha-prefix>/<id>`),
 * never by a client. The filesystem implementation is the default; an object store could
 * implement the same four methods.
 */
export type MediaStore = {
  /** Stores bytes under `key` atomically (a reader never sees a partial file). */
  put: (key: string, bytes: Uint8Array) => Promise<void>;
  /** A stream of the bytes and their size, or null when the key holds nothing. */
  open: (key: string) => Promise<{ stream: Readable; size: number } | null>;
  remove: (key: string) => Promise<void>;
};

/** The storage key of a media row: tenant first, then a 2-hex-digit fan-out of the sha256. */
export const mediaKey = (organizationId: string, sha256Hex: string, mediaId: string): string =>
  `${organizationId}/${sha256Hex.slice(0, 2)}/${mediaId}`;

const KEY = /^[0-9a-f-]{36}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/;

/** A MediaStore over a directory (`DATA_DIR/media` in production, a temp dir in tests). */
export function createFsMediaStore(root: string): MediaStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    // Keys are ours, but a malformed one must never escape the root.
    if (!KEY.test(key)) throw new Error(`Bad media key ${key}`);
    const p = resolve(join(base, key));
    if (!p.startsWith(base + sep)) throw new Error(`Bad media key ${key}`);
    return p;
  };
  return {
    put: async (key, bytes) => {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    },
    open: async (key) => {
      const path = pathOf(key);
      try {
        const s = await stat(path);
        return { stream: createReadStream(path), size: s.size };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    remove: async (key) => {
      await rm(pathOf(key), { force: true });
    },
  };
}
