import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../lib/clock';
import { createFsMediaStore, type MediaStore } from '../domain/media/media-store';
import { createGraphClient, type GraphClient } from '../meta/graph-client';
import { createResumableUploader, type ResumableUploader } from '../meta/resumable-upload';
import type { Db } from '../storage/db';
import { createJobQueue } from '../storage/job-queue';
import type { MonthlyQuota } from '../domain/messages/message-quota';

/** What {@link createMessagingInfrastructure} needs. */
export type MessagingInfrastructureDeps = {
  db: Db;
  clock: Clock;
  /** Graph API client (tests and demo pass one aimed at the Meta emulator). */
  graph?: GraphClient | undefined;
  metaGraphUrl?: string | undefined;
  metaApiVersion?: string | undefined;
  /** Graph's Resumable Upload API client (template header samples); tests pass one aimed at the emulator. */
  uploader?: ResumableUploader | undefined;
  /** `META_APP_ID`: the app upload sessions are opened on. */
  metaAppId?: string | undefined;
  /** Where media bytes go; default `DATA_DIR/media` (or a temp dir when there is no DATA_DIR). */
  mediaStore?: MediaStore | undefined;
  dataDir?: string | undefined;
  /** Job queue namespace (tests isolate apps sharing one database); empty in production. */
  jobNamespace?: string | undefined;
  /** `MONTHLY_MESSAGE_QUOTA`: outbound messages per organization per month; undefined = unlimited. */
  monthlyMessageQuota?: number | undefined;
};

/** The building blocks the inbound, outbound and sync modules share. */
export type MessagingInfrastructure = ReturnType<typeof createMessagingInfrastructure>;

/**
 * The building blocks several modules share: the job queue (media fetch, wake-ups, template
 * sync, sends, reconcile, mark-read all live in one `jobs` table), the Graph API client and the
 * media store.
 */
export function createMessagingInfrastructure(deps: MessagingInfrastructureDeps) {
  return {
    jobs: createJobQueue({ db: deps.db, clock: deps.clock, namespace: deps.jobNamespace }),
    /** The monthly quota every send path counts against (REST, sync, intakes, away message). */
    quota: { monthlyDefault: deps.monthlyMessageQuota } satisfies MonthlyQuota,
    graph:
      deps.graph ??
      createGraphClient({
        baseUrl: deps.metaGraphUrl ?? 'https://graph.facebook.com',
        version: deps.metaApiVersion ?? 'v25.0',
      }),
    uploader:
      deps.uploader ??
      createResumableUploader({
        baseUrl: deps.metaGraphUrl ?? 'https://graph.facebook.com',
        version: deps.metaApiVersion ?? 'v25.0',
      }),
    metaAppId: deps.metaAppId,
    mediaStore:
      deps.mediaStore ?? createFsMediaStore(join(deps.dataDir ?? join(tmpdir(), 'parley-data'), 'media')),
  };
}
