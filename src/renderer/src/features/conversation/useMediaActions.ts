import { useCallback, useState } from 'react';
import { useParleyClient } from '../../api';

/** What {@link useMediaActions} returns. */
export interface MediaActions {
  /** Opens the file with the system's app. */
  open(): Promise<void>;
  /** Saves the file where the person chooses. */
  save(): Promise<void>;
  busy: 'open' | 'save' | null;
  /** Why the last action failed. */
  error: string | null;
}

/**
 * Open and Save for a message's file. Both go through the core (`media:open`, `media:save`);
 * while those channels are missing, the cached file's URL is opened or downloaded instead,
 * and when there is none either, the reason is shown.
 */
export function useMediaActions(mediaId: string, fileName: string): MediaActions {
  const client = useParleyClient();
  const [busy, setBusy] = useState<MediaActions['busy']>(null);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    async (action: 'open' | 'save') => {
      setBusy(action);
      setError(null);
      try {
        const direct =
          action === 'open'
            ? await client.call('media:open', { mediaId })
            : await client.call('media:save', { mediaId, fileName });
        if (direct.ok) return;
        if (direct.error.code !== 'service_unavailable') {
          setError(direct.error.message);
          return;
        }
        const cached = await client.getMediaSource({ mediaId });
        if (!cached.ok) {
          setError(cached.error.message);
          return;
        }
        const { url } = cached.value;
        if (!url) {
          setError(
            `The file is saved on this device, but this version of Parley can't ${action} it from here.`,
          );
          return;
        }
        if (action === 'open') {
          window.open(url, '_blank', 'noopener,noreferrer');
        } else {
          const link = document.createElement('a');
          link.href = url;
          link.download = fileName;
          link.rel = 'noopener';
          link.click();
        }
      } finally {
        setBusy(null);
      }
    },
    [client, mediaId, fileName],
  );

  return { open: () => run('open'), save: () => run('save'), busy, error };
}
