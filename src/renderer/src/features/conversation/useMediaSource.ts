import { useCallback, useEffect, useState } from 'react';
import { useParleyClient } from '../../api';
import type { MediaSource } from '../../api/media-channels';

/** What {@link useMediaSource} returns. */
export interface MediaSourceState {
  state: 'idle' | 'loading' | 'ready' | 'error';
  source: MediaSource | null;
  /** Why the file could not be fetched (offline, gone from Meta…). */
  error: string | null;
  /** Fetches it (again). */
  load(): void;
}

interface Fetched {
  id: string;
  attempt: number;
  source: MediaSource | null;
  error: string | null;
}

/**
 * A message's media through the local cache (`media:get`). With `auto`, it is fetched when the
 * component mounts (image and sticker previews: the thread is virtualized, so only rows on
 * screen mount); otherwise on `load()` (play, open, save), which also retries after an error.
 */
export function useMediaSource(mediaId: string | null | undefined, auto: boolean): MediaSourceState {
  const client = useParleyClient();
  // Each load() is a new attempt; attempt 0 is the automatic one.
  const [request, setRequest] = useState<{ id: string; attempt: number } | null>(null);
  const [fetched, setFetched] = useState<Fetched | null>(null);

  const wanted =
    mediaId && request?.id === mediaId ? request : mediaId && auto ? { id: mediaId, attempt: 0 } : null;
  const wantedId = wanted?.id ?? null;
  const wantedAttempt = wanted?.attempt ?? -1;

  useEffect(() => {
    if (!wantedId) return undefined;
    let live = true;
    void client.getMediaSource({ mediaId: wantedId }).then((r) => {
      if (!live) return;
      setFetched(
        r.ok
          ? { id: wantedId, attempt: wantedAttempt, source: r.value, error: null }
          : { id: wantedId, attempt: wantedAttempt, source: null, error: r.error.message },
      );
    });
    return () => {
      live = false;
    };
  }, [client, wantedId, wantedAttempt]);

  const load = useCallback(() => {
    if (mediaId) setRequest((r) => ({ id: mediaId, attempt: (r?.id === mediaId ? r.attempt : 0) + 1 }));
  }, [mediaId]);

  if (!wanted) return { state: 'idle', source: null, error: null, load };
  const current = fetched && fetched.id === wanted.id && fetched.attempt === wanted.attempt ? fetched : null;
  if (!current) return { state: 'loading', source: null, error: null, load };
  return current.error
    ? { state: 'error', source: null, error: current.error, load }
    : { state: 'ready', source: current.source, error: null, load };
}
