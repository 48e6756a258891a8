import type { CachedMedia } from '#contract/ipc/contract';

export type { StageMediaInput, StagedMedia } from '#contract/ipc/contract';

/** What the renderer needs to show a file on this device. */
export interface MediaSource extends Omit<CachedMedia, 'url'> {
  /**
   * A URL the page may load (`parley://media/<id>` in the desktop app, the harness's
   * `/media/<id>`), or null when the app gave none.
   */
  url: string | null;
}

/** The renderer's view of `media:get`'s answer. */
export function mediaSourceOf(cached: CachedMedia): MediaSource {
  const url = typeof cached.url === 'string' && cached.url.length > 0 ? cached.url : null;
  return { ...cached, url };
}
