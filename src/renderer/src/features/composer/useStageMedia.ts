import { useCallback } from 'react';
import type { Result } from '#contract/result';
import { useParleyClient } from '../../api';
import type { StagedMedia } from '../../api/media-channels';

/** Where staging one file is. */
export type StagePhase = 'reading' | 'staging';

/** Reads a file into memory, reporting progress (0..1). */
export function readFileBytes(file: Blob, onProgress: (fraction: number) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.onload = () => {
      onProgress(1);
      resolve(new Uint8Array(reader.result as ArrayBuffer));
    };
    reader.readAsArrayBuffer(file);
  });
}

/**
 * Hands picked files to the core (`media:stage`), which keeps them on this device and uploads
 * them when it can: offline, the send is queued with the local media id and goes out on reconnect.
 */
export function useStageMedia() {
  const client = useParleyClient();
  return useCallback(
    async (
      file: File,
      mimeType: string,
      onProgress: (phase: StagePhase, fraction: number) => void,
    ): Promise<Result<StagedMedia>> => {
      let bytes: Uint8Array;
      try {
        bytes = await readFileBytes(file, (f) => onProgress('reading', f));
      } catch {
        return {
          ok: false,
          error: { code: 'bad_request', message: `${file.name} could not be read from disk.` },
        };
      }
      onProgress('staging', 1);
      return client.call('media:stage', { name: file.name.slice(0, 240), mimeType, bytes });
    },
    [client],
  );
}
