import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { visibleMediaSql } from '../visibility/queries';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../../lib/clock';
import { ok, type Result } from '#contract/result';
import { notFound } from '../failure';
import type { MediaFetchPayload } from '../messages/ingest-messages';
import type { AccountService } from '../whatsapp/account-service';
import type { Job, JobOutcome } from '../../storage/job-queue';
import type { GraphClient, GraphError } from '../../meta/graph-client';
import { recordChanges, type Change } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { media, messages } from '../../storage/schema/index';
import { mediaKey, type MediaStore } from './media-store';

/** A media row. */
export type MediaRow = typeof media.$inferSelect;

/** Dependencies of {@link createMediaService}. */
export type MediaServiceDeps = {
  db: Db;
  clock: Clock;
  store: MediaStore;
  graph: Pick<GraphClient, 'getMedia' | 'downloadMedia'>;
  accounts: Pick<AccountService, 'credentials' | 'flagTokenInvalid'>;
  /** Largest inbound file accepted (Meta's document limit, 100 MB). */
  maxBytes?: number;
};

/** Media: the inbound fetch job and tenant-scoped reads. */
export type MediaService = ReturnType<typeof createMediaService>;

const describe = (e: GraphError) => (e.kind === 'meta' ? `Meta ${e.metaCode}: ${e.title}` : e.message);

/** Creates the media service. */
export function createMediaService(deps: MediaServiceDeps) {
  const { db, clock, store } = deps;
  const maxBytes = deps.maxBytes ?? 100 * 1024 * 1024;

  const settle = (organizationId: string, mediaId: string, patch: Partial<typeof media.$inferInsert>) =>
    settleMedia({ db, clock }, organizationId, mediaId, patch);

  /**
   * The `media_fetch` job: `GET /{mediaId}` → URL → authenticated download (a fresh URL when
   * the first one expired), store under
   * `<org>/<sha-prefix>/<id>`, record sha256/mime/size, mark ready. Transient failures retry
   * with backoff (the queue's); permanent ones, and the last attempt, mark the media failed.
   */
  const fetchJob = async (job: Job<MediaFetchPayload>): Promise<JobOutcome> => {
    const organizationId = job.organizationId;
    if (!organizationId) return { kind: 'fail', error: 'job without organization' };
    const { mediaId, accountId } = job.payload;
    const [row] = await db
      .select()
      .from(media)
      .where(and(eq(media.organizationId, organizationId), eq(media.id, mediaId)));
    if (!row || row.state !== 'pending' || !row.metaMediaId) return { kind: 'done' };
    const last = job.attempts >= job.maxAttempts;
    const giveUp = async (error: string): Promise<JobOutcome> => {
      await settle(organizationId, mediaId, { state: 'failed', error });
      return { kind: 'fail', error };
    };
    const retry = async (error: string): Promise<JobOutcome> =>
      last ? giveUp(error) : { kind: 'retry', error };

    const account = await deps.accounts.credentials(organizationId, accountId);
    if (!account) return giveUp('The WhatsApp account no longer exists');
    if (account.status === 'disconnected') return giveUp('The WhatsApp number was disconnected');

    let bytes: Buffer | undefined;
    let contentType: string | undefined;
    let expected: { sha256: string; fileSize: number } | undefined;
    for (let round = 0; round < 2 && !bytes; round++) {
      const info = await deps.graph.getMedia(row.metaMediaId, account.accessToken, account.phoneNumberId);
      if (!info.ok) {
        const e = info.error;
        if (e.kind === 'meta' && (e.metaCode === 190 || e.metaCode === 0)) {
          await deps.accounts.flagTokenInvalid({ organizationId, id: accountId });
          return retry(describe(e));
        }
        if (e.kind === 'meta' && e.catalog.retry === 'no') return giveUp(describe(e));
        return retry(describe(e));
      }
      if (info.value.fileSize > maxBytes) return giveUp(`The file is larger than ${maxBytes} bytes`);
      const dl = await deps.graph.downloadMedia(info.value.url, account.accessToken);
      if (dl.ok) {
        expected = { sha256: info.value.sha256, fileSize: info.value.fileSize };
        bytes = dl.value.bytes;
        contentType = info.value.mimeType || dl.value.contentType;
        break;
      }
      // 404 from the lookaside host: the URL expired; the next round fetches a fresh one.
      if (!(dl.error.kind === 'bad_response' && dl.error.httpStatus === 404))
        return retry(describe(dl.error));
    }
    if (!bytes) return retry('The media URL kept expiring');
    if (bytes.length > maxBytes) return giveUp(`The file is larger than ${maxBytes} bytes`);
    const digest = createHash('sha256').update(bytes).digest();
    const sha256 = digest.toString('hex');
    // A body that ended early without a transport error (chunked, closed cleanly) is only seen
    // here: never store a broken file as ready. Meta's sha256 is hex in practice, base64 in
    // some payloads; either form must match.
    if (expected && !matchesMeta(bytes.length, digest, expected))
      return retry(
        `The download was incomplete or corrupt (${bytes.length} of ${expected.fileSize} bytes, or a different sha256)`,
      );
    const key = mediaKey(organizationId, sha256, mediaId);
    await store.put(key, bytes);
    await settle(organizationId, mediaId, {
      state: 'ready',
      sha256,
      size: bytes.length,
      mimeType: (contentType ?? row.mimeType).split(';')[0]!.trim() || row.mimeType,
      storageKey: key,
      error: null,
    });
    return { kind: 'done' };
  };

  return {
    fetchJob,

    /**
     * Opens a ready media file of the organization for streaming; 404 for other organizations,
     * unknown ids, media the actor may not see (`visibleMediaSql`) and media not fetched (yet).
     */
    open: async (
      organizationId: string,
      actor: Principal,
      id: string,
    ): Promise<Result<{ row: MediaRow; stream: Readable; size: number }>> => {
      // The visibility module decides: media of conversations the actor no longer sees is 404.
      const [row] = await db
        .select()
        .from(media)
        .where(
          and(
            eq(media.organizationId, organizationId),
            eq(media.id, id),
            visibleMediaSql(organizationId, actor),
          ),
        );
      if (!row || row.state !== 'ready' || !row.storageKey) return notFound('Media');
      const file = await store.open(row.storageKey);
      if (!file) return notFound('Media');
      return ok({ row, ...file });
    },
  };
}

/** Settles a media row (ready with its bytes' facts, or failed) and logs its messages. */
export async function settleMedia(
  deps: { db: Db; clock: Clock },
  organizationId: string,
  mediaId: string,
  patch: Partial<typeof media.$inferInsert>,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx
      .update(media)
      .set({ ...patch, updatedAt: deps.clock.now() })
      .where(and(eq(media.organizationId, organizationId), eq(media.id, mediaId)));
    const refs = await tx
      .select({ id: messages.id, conversationId: messages.conversationId })
      .from(messages)
      .where(and(eq(messages.organizationId, organizationId), eq(messages.mediaId, mediaId)));
    // Media metadata reaches clients inside the message row.
    const changes: Change[] = refs.map((m) => ({
      entity: 'message',
      entityId: m.id,
      conversationId: m.conversationId,
    }));
    await recordChanges(tx, organizationId, changes);
  });
}

/** Whether downloaded bytes are what `GET /{media-id}` announced (size, and sha256 in hex or base64). */
export function matchesMeta(
  size: number,
  digest: Buffer,
  expected: { sha256: string; fileSize: number },
): boolean {
  if (expected.fileSize > 0 && size !== expected.fileSize) return false;
  const announced = expected.sha256.trim();
  if (announced === '') return true;
  return announced.toLowerCase() === digest.toString('hex') || announced === digest.toString('base64');
}
