import type { SyncTemplatesResult } from '#contract/api/whatsapp-accounts';
import { type Result } from '#contract/result';
import type { Job, JobHandler, JobOutcome, JobQueue, NewJob } from '../../storage/job-queue';

/** Queue of template syncs the server starts itself (a status webhook named an unknown template). */
export const TEMPLATE_SYNC_QUEUE = 'template_sync';

/**
 * How long a queued sync waits before it runs. Meta sends one webhook per template event, so a
 * burst (several templates created or approved together) lands in this window and is served by
 * one sync: the job's dedupe key is the account, held until a worker claims it.
 */
export const TEMPLATE_SYNC_DELAY_MS = 2_000;

/** Payload of a template_sync job. */
export type TemplateSyncPayload = { accountId: string };

/** The job that syncs an account's templates soon; enqueueing it while one waits is a no-op. */
export const templateSyncJob = (organizationId: string, accountId: string, now: Date): NewJob => ({
  queue: TEMPLATE_SYNC_QUEUE,
  organizationId,
  payload: { accountId } satisfies TemplateSyncPayload,
  dedupeKey: accountId,
  // Two syncs of one account never run side by side (a later one waits for the earlier one).
  orderingKey: accountId,
  runAt: new Date(now.getTime() + TEMPLATE_SYNC_DELAY_MS),
  maxAttempts: 5,
});

/**
 * The template_sync handler: frees the dedupe key first (an event that arrives while Meta is
 * being listed may name a template this listing misses, so it must be able to queue the next
 * sync), then runs the same paging sync as `POST /whatsapp-accounts/:id/sync-templates`.
 * Meta refusing the token flags the account (inside `refresh`) and ends the job; other failures
 * are retried with backoff.
 */
export function createTemplateSyncHandler(deps: {
  jobs: Pick<JobQueue, 'releaseDedupeKey'>;
  refresh: (organizationId: string, accountId: string) => Promise<Result<SyncTemplatesResult> | null>;
  onSynced?: (accountId: string, result: SyncTemplatesResult) => void;
}): JobHandler<TemplateSyncPayload> {
  return async (job: Job<TemplateSyncPayload>, { workerId }): Promise<JobOutcome> => {
    const organizationId = job.organizationId;
    if (!organizationId) return { kind: 'fail', error: 'job without organization' };
    await deps.jobs.releaseDedupeKey(job, workerId);
    const outcome = await deps.refresh(organizationId, job.payload.accountId);
    if (outcome === null) return { kind: 'done' };
    if (outcome.ok) {
      deps.onSynced?.(job.payload.accountId, outcome.value);
      return { kind: 'done' };
    }
    const { code, message } = outcome.error;
    // A refused token is final (the account is flagged; the admin fixes it and syncs by hand);
    // anything else (Meta unreachable, throttled, 5xx) is worth the few retries this job has.
    if (code === 'meta_token_invalid') return { kind: 'fail', error: `${code}: ${message}` };
    return { kind: 'retry', error: `${code}: ${message}` };
  };
}
