import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { Media } from '#contract/api/media';
import type { MediaType } from '#contract/domain/messaging';
import type { MediaProgress } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import type { MutationError } from '#contract/sync/protocol';
import type { HttpFetch } from '../deps';
import { durable, type OutboxRow, type OutboxStore } from '../outbox/outbox-store';
import { emptySummary, type ApplySummary } from '../sync/apply/apply';
import type { StagedFile, StagedMediaStore } from './staged-media';

/**
 * The outbox flush's media step: before the engine pushes a batch, every `message.send` in it
 * that refers to a staged file (its `mediaId`, or a template header's) gets the file uploaded
 * (`POST /api/v1/media`, multipart, progress as `media:progress`), and the server's id replaces
 * the local one in the mutation's args, in the same durable transaction that records the upload
 * on the staged row. So after a restart a recorded upload is never repeated, and the mutation,
 * keeping its id, is never sent twice (the server answers a replay from its ledger). An upload
 * the server refuses for good (400, 403, 413, 415, 422) turns the message into a failed outbox
 * item that keeps its caption; anything else (offline, 5xx, 429) holds the message, and every
 * mutation after it, until the next attempt.
 */

/** What the engine does with a batch after {@link MediaUploader.prepare}. */
export interface PushPreparation {
  /** The first mutation that must wait (its upload failed for now); null when all may go. */
  hold: number | null;
  /** Why it waits, for the status line. */
  error: string | null;
  /** Args were rewritten or mutations refused: re-read the batch before pushing. */
  changed: boolean;
  /** Tables touched (refusals), for `replica:changed`. */
  sum: ApplySummary;
}

/** A staged file a mutation refers to, and how to put the server's id in its place. */
interface StagedRef {
  localId: string;
  type: MediaType;
  replace: (args: Record<string, unknown>, serverId: string) => Record<string, unknown>;
}

type UploadOutcome =
  | { kind: 'uploaded'; serverId: string }
  | { kind: 'refused'; error: MutationError }
  | { kind: 'retry'; message: string };

/** Statuses after which the same upload can never succeed. */
const PERMANENT = new Set([400, 403, 413, 415, 422]);
const CHUNK = 256 * 1024;
const MEDIA_TYPES: ReadonlySet<string> = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** The staged-file references of a mutation (only `message.send` carries media). */
function refsOf(row: OutboxRow): StagedRef[] {
  if (row.name !== 'message.send') return [];
  const a = row.args as Record<string, unknown>;
  if (typeof a.type === 'string' && MEDIA_TYPES.has(a.type) && typeof a.mediaId === 'string') {
    return [
      { localId: a.mediaId, type: a.type as MediaType, replace: (args, id) => ({ ...args, mediaId: id }) },
    ];
  }
  const header = (a.parameters as { header?: Record<string, unknown> } | undefined)?.header;
  if (a.type === 'template' && header && typeof header.mediaId === 'string') {
    return [
      {
        localId: header.mediaId,
        type: header.type as MediaType,
        replace: (args, id) => {
          const parameters = args.parameters as Record<string, unknown>;
          return {
            ...args,
            parameters: { ...parameters, header: { ...(parameters.header as object), mediaId: id } },
          };
        },
      },
    ];
  }
  return [];
}

/** `filename` for a multipart header: ASCII fallback plus RFC 5987 UTF-8. */
function dispositionName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Builds the uploader over an open replica. */
export function createMediaUploader(deps: {
  db: Database.Database;
  outbox: Pick<OutboxStore, 'setArgs' | 'applyResults'>;
  staged: StagedMediaStore;
  serverUrl: string;
  fetch: HttpFetch;
  /** An access token (`force` refreshes it after a 401). */
  token: (opts?: { force?: boolean }) => Promise<Result<string>>;
  onProgress: (p: MediaProgress) => void;
}) {
  const { db, outbox, staged } = deps;

  const post = async (f: StagedFile, type: MediaType, bytes: Buffer, token: string): Promise<Response> => {
    const boundary = `parley-${randomUUID()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${dispositionName(f.fileName)}\r\n` +
        `Content-Type: ${f.mimeType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const parts = [head, bytes, tail];
    const total = bytes.length;
    let part = 0;
    let offset = 0;
    let reported = -1;
    const report = (sent: number) => {
      // At most ~50 events per file.
      const step = Math.floor((sent / Math.max(1, total)) * 50);
      if (step === reported) return;
      reported = step;
      deps.onProgress({ mediaId: f.id, sentBytes: sent, totalBytes: total, state: 'uploading' });
    };
    report(0);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const cur = parts[part];
        if (!cur) {
          controller.close();
          return;
        }
        const chunk = cur.subarray(offset, offset + CHUNK);
        offset += chunk.length;
        if (part === 1) report(offset);
        if (offset >= cur.length) {
          part += 1;
          offset = 0;
        }
        controller.enqueue(new Uint8Array(chunk));
      },
    });
    return deps.fetch(`${deps.serverUrl}/api/v1/media?type=${type}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        // A streamed body would otherwise go chunked, which the server's multipart parser
        // does not finish reading; the length is known up front.
        'content-length': String(head.length + total + tail.length),
      },
      body,
      // Node's fetch needs this for a streamed body; browsers' typings do not know it yet.
      ...({ duplex: 'half' } as object),
    });
  };

  const errorOf = async (res: Response): Promise<{ code: string; message: string } | null> => {
    try {
      const j = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
      if (typeof j.error?.code === 'string' && typeof j.error.message === 'string')
        return { code: j.error.code, message: j.error.message };
    } catch {
      // Not JSON: the status says enough.
    }
    return null;
  };

  const upload = async (f: StagedFile, type: MediaType): Promise<UploadOutcome> => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.path);
    } catch {
      return {
        kind: 'refused',
        error: {
          code: 'media_missing',
          message: `${f.fileName} is no longer on this device. Attach it again.`,
        },
      };
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await deps.token(attempt > 0 ? { force: true } : undefined);
      if (!token.ok) return { kind: 'retry', message: token.error.message };
      let res: Response;
      try {
        res = await post(f, type, bytes, token.value);
      } catch (e) {
        return {
          kind: 'retry',
          message: `Could not upload ${f.fileName}: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
      if (res.status === 401 && attempt === 0) {
        await res.body?.cancel();
        continue;
      }
      if (res.status === 201 || res.status === 200) {
        const media = Media.safeParse(await res.json().catch(() => null));
        if (!media.success) return { kind: 'retry', message: 'The server answered the upload unexpectedly.' };
        deps.onProgress({ mediaId: f.id, sentBytes: f.size, totalBytes: f.size, state: 'done' });
        return { kind: 'uploaded', serverId: media.data.id };
      }
      const e = await errorOf(res);
      if (PERMANENT.has(res.status)) {
        deps.onProgress({ mediaId: f.id, sentBytes: 0, totalBytes: f.size, state: 'failed' });
        return {
          kind: 'refused',
          error: {
            code: e?.code ?? 'upload_refused',
            message: `${f.fileName}: ${e?.message ?? `the server refused the file (${res.status}).`}`,
          },
        };
      }
      return {
        kind: 'retry',
        message: `Could not upload ${f.fileName}: ${e?.message ?? `the server answered ${res.status}`}`,
      };
    }
    return { kind: 'retry', message: 'Sign in again to send files.' };
  };

  return {
    /**
     * Uploads what the batch's mutations need, in order, and rewrites their args. Stops at the
     * first upload that can only be retried later (`hold`).
     */
    async prepare(batch: readonly OutboxRow[]): Promise<PushPreparation> {
      const sum = emptySummary();
      let changed = false;
      for (const row of batch) {
        let args = row.args as Record<string, unknown>;
        let rewritten = false;
        for (const ref of refsOf(row)) {
          const f = staged.byId(ref.localId);
          if (!f) continue; // already a server id
          let serverId = f.serverMediaId;
          if (!serverId) {
            const r = await upload(f, ref.type);
            if (r.kind === 'retry') return { hold: row.mutationId, error: r.message, changed, sum };
            if (r.kind === 'refused') {
              db.transaction(() =>
                outbox.applyResults(
                  [{ mid: row.mutationId, status: 'rejected', seq: 0, error: r.error }],
                  0,
                  sum,
                ),
              )();
              changed = true;
              rewritten = false;
              break;
            }
            serverId = r.serverId;
            durable(db, () => staged.markUploaded(f.id, r.serverId));
          }
          args = ref.replace(args, serverId);
          rewritten = true;
        }
        if (rewritten) {
          outbox.setArgs(row.mutationId, args);
          changed = true;
        }
      }
      return { hold: null, error: null, changed, sum };
    },
  };
}

/** The uploader's type. */
export type MediaUploader = ReturnType<typeof createMediaUploader>;
