import type { CachedMedia, ParleyApi } from '#shared/ipc/contract';
import { err, type Result } from '#shared/result';

/*
 * Channels the composer and the media bubbles need that src/shared/ipc/contract.ts does not
 * define yet. Each wrapper calls the channel when the app exposes it and otherwise answers
 * with a `service_unavailable` value saying what is missing, so the UI degrades honestly.
 * Once the contract gains them, these types move there and the wrappers become plain `call`s.
 */

/** `media:stage` input: a file the agent picked, held by the core until it can be uploaded. */
export interface StageMediaInput {
  /** The file name as picked (shown as the document name; ≤ 240 characters). */
  name: string;
  /** Normalized MIME type (see composer/media-limits). */
  mimeType: string;
  /** The file's bytes. */
  bytes: Uint8Array;
}

/** `media:stage` output: the local media id to pass as `mediaId` in `messages:send`. */
export interface StagedMedia {
  mediaId: string;
}

/** What the renderer needs to show a cached file. */
export interface MediaSource extends CachedMedia {
  /**
   * A URL the page may load (an app-protocol or harness URL for the cached file), or null when
   * the app only gave a file-system path, which the page's CSP cannot load.
   */
  url: string | null;
}

type Untyped = Record<string, ((input: unknown) => Promise<Result<unknown>>) | undefined>;

const missing = (channel: string) =>
  err({
    code: 'service_unavailable' as const,
    message: `This version of Parley's background service cannot do that yet (${channel} is missing).`,
  });

/** Calls a channel the contract does not list yet, if the app exposes it. */
export async function callPendingChannel<T>(
  api: ParleyApi,
  channel: string,
  input: unknown,
): Promise<Result<T>> {
  const fn = (api as unknown as Untyped)[channel];
  if (typeof fn !== 'function') return missing(channel);
  try {
    return (await fn(input)) as Result<T>;
  } catch (cause) {
    console.error(`parley: ${channel} failed`, cause);
    return err({ code: 'internal', message: 'Parley could not reach its background service.' });
  }
}

/** The URL of a cached file, when `media:get` provides one. */
export function mediaSourceOf(cached: CachedMedia): MediaSource {
  const url = (cached as CachedMedia & { url?: unknown }).url;
  return { ...cached, url: typeof url === 'string' && url.length > 0 ? url : null };
}
