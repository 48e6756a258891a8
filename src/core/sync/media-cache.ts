import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { CachedMedia } from '#contract/ipc/contract';

/** A cached file; the host adds the URL the page loads it from. */
export type CachedFile = Omit<CachedMedia, 'url'>;

/** Default cap of the media folder: 500 MB. */
export const DEFAULT_MEDIA_CAP_BYTES = 500 * 1024 * 1024;

/**
 * Media bytes on demand (design/sync-protocol.md §2.10, "media cache"): the first `get`
 * downloads the file into `dir` (dataDir/media/<replica>), later ones are served from disk. The
 * `media_cache` table keeps size and last use; after each download the least recently used files
 * go until the folder is under the cap. Concurrent gets of one id share a download.
 */
export function createMediaCache(deps: {
  db: Database.Database;
  dir: string;
  capBytes?: number;
  now: () => number;
  download: (mediaId: string) => Promise<{ bytes: Uint8Array; mimeType: string }>;
}) {
  const cap = deps.capBytes ?? DEFAULT_MEDIA_CAP_BYTES;
  const { db } = deps;
  const s = {
    get: db.prepare('SELECT file_name, mime_type, size FROM media_cache WHERE media_id = ?'),
    touch: db.prepare('UPDATE media_cache SET last_used_at = ? WHERE media_id = ?'),
    put: db.prepare(
      `INSERT INTO media_cache (media_id, file_name, mime_type, size, last_used_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (media_id) DO UPDATE SET file_name = excluded.file_name, mime_type = excluded.mime_type,
         size = excluded.size, last_used_at = excluded.last_used_at`,
    ),
    del: db.prepare('DELETE FROM media_cache WHERE media_id = ?'),
    total: db.prepare('SELECT coalesce(sum(size), 0) FROM media_cache').pluck(),
    oldest: db.prepare(
      'SELECT media_id, file_name, size FROM media_cache ORDER BY last_used_at, media_id LIMIT 64',
    ),
  };
  const inFlight = new Map<string, Promise<CachedFile>>();

  const evict = (keep: string): void => {
    let total = s.total.get() as number;
    while (total > cap) {
      const victims = (s.oldest.all() as { media_id: string; file_name: string; size: number }[]).filter(
        (v) => v.media_id !== keep,
      );
      if (victims.length === 0) return;
      for (const v of victims) {
        if (total <= cap) return;
        rmSync(join(deps.dir, v.file_name), { force: true });
        s.del.run(v.media_id);
        total -= v.size;
      }
    }
  };

  return {
    /** The cached file, downloading it first when needed. */
    get(mediaId: string): Promise<CachedFile> {
      const hit = s.get.get(mediaId) as { file_name: string; mime_type: string; size: number } | undefined;
      if (hit && existsSync(join(deps.dir, hit.file_name))) {
        s.touch.run(deps.now(), mediaId);
        return Promise.resolve({
          mediaId,
          path: join(deps.dir, hit.file_name),
          mimeType: hit.mime_type,
          size: hit.size,
        });
      }
      const running = inFlight.get(mediaId);
      if (running) return running;
      const p = (async (): Promise<CachedFile> => {
        const { bytes, mimeType } = await deps.download(mediaId);
        mkdirSync(deps.dir, { recursive: true });
        const fileName = mediaId;
        writeFileSync(join(deps.dir, fileName), bytes, { mode: 0o600 });
        const size = statSync(join(deps.dir, fileName)).size;
        s.put.run(mediaId, fileName, mimeType, size, deps.now());
        evict(mediaId);
        return { mediaId, path: join(deps.dir, fileName), mimeType, size };
      })().finally(() => inFlight.delete(mediaId));
      inFlight.set(mediaId, p);
      return p;
    },

    /**
     * Takes a file this device already holds (a sent attachment, from the staged folder) as the
     * cached copy of `mediaId`, so the thread never downloads what the agent uploaded.
     */
    adopt(file: { mediaId: string; path: string; mimeType: string; size: number }): void {
      mkdirSync(deps.dir, { recursive: true });
      copyFileSync(file.path, join(deps.dir, file.mediaId));
      s.put.run(file.mediaId, file.mediaId, file.mimeType, file.size, deps.now());
      evict(file.mediaId);
    },

    /** Bytes currently cached. */
    size: (): number => s.total.get() as number,
  };
}

/** The media cache's type. */
export type MediaCache = ReturnType<typeof createMediaCache>;
