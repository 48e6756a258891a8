import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { WHATSAPP_LIMITS, type MediaType } from '#contract/domain/messaging';
import type { CachedMedia, Parsed, StagedMedia } from '#contract/ipc/contract';
import { err, ok, type Result } from '#contract/result';
import { uuidv7 } from '../uuid';

/** A staged file as the uploader and `media:get` see it. */
export interface StagedFile {
  id: string;
  sha256: string;
  fileName: string;
  mimeType: string;
  size: number;
  /** Absolute path of the bytes. */
  path: string;
  serverMediaId: string | null;
}

interface RawStaged {
  id: string;
  sha256: string;
  file_name: string;
  mime_type: string;
  size: number;
  server_media_id: string | null;
}

/** Bytes as a short size ("5 MB", "500 KB"), as WhatsApp states its limits. */
function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The WhatsApp type a MIME type is sent as by default, or null when WhatsApp takes none. */
export function mediaTypeOf(mimeType: string): MediaType | null {
  for (const [type, limits] of Object.entries(WHATSAPP_LIMITS.media) as [
    MediaType,
    { mimeTypes: readonly string[] },
  ][])
    if (limits.mimeTypes.includes(mimeType)) return type;
  return null;
}

/**
 * Files the media composer picked, held on this device until the server has them
 * (`staged_media`, schema/media.ts). Bytes are content-addressed: `dir/<sha256>`, written to a
 * temporary name and renamed, so a crash never leaves a partial file under a hash; the same file
 * picked twice is stored once. Staging checks WhatsApp's type and size limits (the renderer
 * checks them too, the server again on upload).
 */
export function createStagedMedia(deps: {
  db: Database.Database;
  /** `dataDir/media/<replica>/staged`. */
  dir: string;
  now: () => number;
  /** The URL the page loads a media id from (`parley://media/<id>`, the harness's route). */
  mediaUrl: (mediaId: string) => string;
}) {
  const { db } = deps;
  const s = {
    insert: db.prepare(
      `INSERT INTO staged_media (id, sha256, file_name, mime_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    byId: db.prepare(
      'SELECT id, sha256, file_name, mime_type, size, server_media_id FROM staged_media WHERE id = ?',
    ),
    byServerId: db.prepare(
      `SELECT id, sha256, file_name, mime_type, size, server_media_id FROM staged_media
       WHERE server_media_id = ? ORDER BY id LIMIT 1`,
    ),
    uploaded: db.prepare(
      'UPDATE staged_media SET server_media_id = ?, uploaded_at = ? WHERE id = ? AND server_media_id IS NULL',
    ),
    all: db.prepare(
      'SELECT id, sha256, file_name, mime_type, size, server_media_id, created_at FROM staged_media ORDER BY id',
    ),
    // A staged id (or the server's id that replaced it in the args) still named by a queued,
    // in-flight or failed mutation: the file may yet be uploaded, sent or retried.
    referenced: db.prepare('SELECT 1 FROM outbox WHERE instr(args, ?) > 0 LIMIT 1').pluck(),
    remove: db.prepare('DELETE FROM staged_media WHERE id = ?'),
    sameBytes: db.prepare('SELECT count(*) FROM staged_media WHERE sha256 = ?').pluck(),
  };

  const toFile = (r: RawStaged): StagedFile => ({
    id: r.id,
    sha256: r.sha256,
    fileName: r.file_name,
    mimeType: r.mime_type,
    size: r.size,
    path: join(deps.dir, r.sha256),
    serverMediaId: r.server_media_id,
  });

  // Local id → the server's id, for files the sweep handed to the media cache. A page rendered
  // before the confirmation reached it may still ask for the local id; it gets the adopted file
  // rather than a 404. Bounded: only the most recent adoptions matter (the replica then names
  // the server's id).
  const adoptedAs = new Map<string, string>();
  const ADOPTED_REMEMBERED = 500;

  return {
    /** Stores the bytes and records them; the returned id goes into `messages:send`. */
    stage(input: Parsed<'media:stage'>): Result<StagedMedia> {
      const type = mediaTypeOf(input.mimeType);
      if (!type)
        return err({
          code: 'unsupported_media_type',
          message: `WhatsApp doesn't accept files of type ${input.mimeType}.`,
        });
      // The largest type the MIME type may be sent as (a WebP image is a sticker, ≤ 500 KB).
      const max = WHATSAPP_LIMITS.media[type].maxBytes;
      if (input.bytes.byteLength > max)
        return err({
          code: 'payload_too_large',
          message: `${input.name} is ${formatSize(input.bytes.byteLength)}; WhatsApp allows ${type === 'audio' ? 'audio' : `${type}s`} up to ${formatSize(max)}.`,
        });
      const sha256 = createHash('sha256').update(input.bytes).digest('hex');
      const path = join(deps.dir, sha256);
      if (!existsSync(path)) {
        mkdirSync(deps.dir, { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        try {
          writeFileSync(tmp, input.bytes, { mode: 0o600 });
          renameSync(tmp, path);
        } catch (e) {
          rmSync(tmp, { force: true });
          return err({
            code: 'internal',
            message: `${input.name} could not be kept on this device: ${e instanceof Error ? e.message : String(e)}`,
          });
        }
      }
      const id = uuidv7(deps.now());
      s.insert.run(id, sha256, input.name, input.mimeType, input.bytes.byteLength, deps.now());
      return ok({ mediaId: id });
    },

    /** A staged file by its local id. */
    byId(id: string): StagedFile | null {
      const r = s.byId.get(id) as RawStaged | undefined;
      return r ? toFile(r) : null;
    },

    /**
     * The file of a media id, local or the server's (an uploaded file is served from here, never
     * downloaded again), when its bytes are still on disk.
     */
    get(mediaId: string): CachedMedia | null {
      const r = (s.byId.get(mediaId) ?? s.byServerId.get(mediaId)) as RawStaged | undefined;
      if (!r) return null;
      const f = toFile(r);
      if (!existsSync(f.path)) return null;
      return {
        mediaId,
        path: f.path,
        url: deps.mediaUrl(mediaId),
        mimeType: f.mimeType,
        size: f.size,
        fileName: f.fileName,
      };
    },

    /**
     * Cleans the staged folder: a file whose message the server has confirmed (uploaded, and no
     * mutation names it any more) is handed to `adopt` (the media cache, which keeps it as the
     * server's media id under its size cap) and leaves the staged folder; a file picked but never
     * sent (not uploaded, named by no mutation) goes after `abandonedAfterMs`. Bytes shared by
     * several picks are removed with the last of them.
     */
    sweep(opts: {
      abandonedAfterMs: number;
      adopt: ((file: StagedFile & { serverMediaId: string }) => void) | null;
    }): { adopted: number; dropped: number } {
      let adopted = 0;
      let dropped = 0;
      const rows = s.all.all() as (RawStaged & { created_at: number })[];
      for (const r of rows) {
        if (s.referenced.get(r.id) || (r.server_media_id && s.referenced.get(r.server_media_id))) continue;
        const file = toFile(r);
        if (file.serverMediaId) {
          // Without a media cache (no server configured) the file stays: it is the only copy.
          if (!opts.adopt) continue;
          if (existsSync(file.path)) opts.adopt({ ...file, serverMediaId: file.serverMediaId });
          adoptedAs.set(r.id, file.serverMediaId);
          if (adoptedAs.size > ADOPTED_REMEMBERED) adoptedAs.delete(adoptedAs.keys().next().value!);
          adopted += 1;
        } else if (deps.now() - r.created_at >= opts.abandonedAfterMs) {
          dropped += 1;
        } else continue;
        db.transaction(() => {
          s.remove.run(r.id);
          if ((s.sameBytes.get(r.sha256) as number) === 0) rmSync(file.path, { force: true });
        })();
      }
      return { adopted, dropped };
    },

    /** The server's id of a local id whose file this session's sweep moved to the media cache. */
    adoptedAs(localId: string): string | null {
      return adoptedAs.get(localId) ?? null;
    },

    /** Records the server's id. Call inside the transaction that rewrites the mutation's args. */
    markUploaded(id: string, serverMediaId: string): void {
      s.uploaded.run(serverMediaId, deps.now(), id);
    },
  };
}

/** The staged media store's type. */
export type StagedMediaStore = ReturnType<typeof createStagedMedia>;
