import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { MediaType } from '#contract/domain/messaging';
import type { Clock } from '../../lib/clock';
import type { Job, JobOutcome } from '../../storage/job-queue';
import type { Db } from '../../storage/db';
import { media } from '../../storage/schema/index';
import { settleMedia } from './media-service';
import { mediaKey, type MediaStore } from './media-store';
import { fetchMediaUrl, type MediaUrlOptions } from './media-url';

/** The queue of Parley's copies of media sent by URL. */
export const MEDIA_URL_QUEUE = 'media_url_fetch';

/** Payload of a {@link MEDIA_URL_QUEUE} job. */
export type MediaUrlPayload = { mediaId: string; url: string; type: MediaType };

/** Attempts of a copy (transient failures: timeouts, 5xx, resets). */
export const MEDIA_URL_MAX_ATTEMPTS = 3;

/**
 * The copy job of a message sent with media by URL. The send itself never waits for it: Meta
 * is given the link and fetches the file on its own. Here Parley fetches its copy through the
 * SSRF guard and stores it; the media row becomes `ready` (the thread shows the file) or, after
 * a permanent failure or the last attempt, `failed` with the reason (the thread says the copy
 * could not be made; the message's own delivery status is Meta's and unaffected).
 */
export function createMediaUrlJob(deps: { db: Db; clock: Clock; store: MediaStore; fetch: MediaUrlOptions }) {
  const { db, clock, store } = deps;
  return async (job: Job<MediaUrlPayload>): Promise<JobOutcome> => {
    const organizationId = job.organizationId;
    if (!organizationId) return { kind: 'fail', error: 'job without organization' };
    const { mediaId, url, type } = job.payload;
    const [row] = await db
      .select({ state: media.state })
      .from(media)
      .where(and(eq(media.organizationId, organizationId), eq(media.id, mediaId)));
    if (!row || row.state !== 'pending') return { kind: 'done' };
    const r = await fetchMediaUrl(url, type, deps.fetch);
    if (!r.ok) {
      if (!r.error.permanent && job.attempts < job.maxAttempts)
        return { kind: 'retry', error: r.error.message };
      await settleMedia({ db, clock }, organizationId, mediaId, { state: 'failed', error: r.error.message });
      return { kind: 'fail', error: r.error.message };
    }
    const { bytes, mimeType } = r.value;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = mediaKey(organizationId, sha256, mediaId);
    await store.put(key, bytes);
    await settleMedia({ db, clock }, organizationId, mediaId, {
      state: 'ready',
      sha256,
      size: bytes.length,
      mimeType,
      storageKey: key,
      error: null,
    });
    return { kind: 'done' };
  };
}
