import type { ReplicaChanged } from '#contract/ipc/contract';
import type { Logger } from '../deps';
import type { MediaCache } from '../sync/media-cache';
import type { StagedMediaStore } from './staged-media';

/** A file picked but never sent is kept this long (the composer may still be open on it). */
export const STAGED_ABANDONED_MS = 24 * 60 * 60 * 1000;

/**
 * Cleans the staged folder when a replica opens and whenever the outbox changes (a send
 * confirmed, failed, discarded): sent attachments move into the media cache, kept under its cap
 * as the server's media id; picks never sent go after a day. Event-driven rather than timed, so
 * an idle app does no work and the clock-driven tests see no extra timer. A failing sweep is
 * logged and tried again on the next change.
 */
export function createStagedSweeper(deps: {
  staged: StagedMediaStore;
  media: MediaCache | null;
  logger: Logger;
}): { sweep: () => void; onChanged: (c: ReplicaChanged) => void } {
  const { staged, media, logger } = deps;
  const sweep = (): void => {
    try {
      staged.sweep({
        abandonedAfterMs: STAGED_ABANDONED_MS,
        adopt: media
          ? (f) => media.adopt({ mediaId: f.serverMediaId, path: f.path, mimeType: f.mimeType, size: f.size })
          : null,
      });
    } catch (e) {
      logger.warn('core: cleaning staged media failed', { error: String(e) });
    }
  };
  return {
    sweep,
    onChanged: (c) => {
      if (c.tables.includes('outbox')) sweep();
    },
  };
}
