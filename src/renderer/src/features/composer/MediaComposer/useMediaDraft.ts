import { useCallback, useEffect, useRef, useState } from 'react';
import { WHATSAPP_LIMITS, type MediaType } from '#contract/domain/messaging';
import { useParleyClient, useParleyEvent } from '../../../api';
import { safeLabel } from '../../../components/FormattedText';
import { checkMedia, type MediaCheck } from '../media-limits';
import { useStageMedia } from '../useStageMedia';
import { videoPoster } from './video-poster';

/** Files per batch: WhatsApp has no such limit, but one message per file goes out in order. */
export const MAX_FILES = 10;

/** One picked file. */
export interface DraftFile {
  key: string;
  file: File;
  /** The name as shown (bidi controls removed). */
  name: string;
  check: MediaCheck;
  caption: string;
  /** Thumbnail (object URL for images, a poster data URL for videos). */
  previewUrl: string | null;
  /**
   * `ready` → `reading` → `staging` → `sending` (queueing) → `queued` (waiting for the outbox
   * flush) → `uploading` → `uploaded` (the server has it), or `error`.
   */
  phase: 'ready' | 'reading' | 'staging' | 'sending' | 'queued' | 'uploading' | 'uploaded' | 'error';
  /** 0..1 while reading the file, then while uploading it. */
  progress: number;
  /** The staged media id once staged (matches `media:progress`). */
  mediaId: string | null;
  error: string | null;
}

/** What {@link useMediaDraft} returns. */
export interface MediaDraft {
  items: DraftFile[];
  /** Adds picked, dropped or pasted files (beyond {@link MAX_FILES} are refused with a reason). */
  add(files: File[]): void;
  remove(key: string): void;
  setCaption(key: string, caption: string): void;
  clear(): void;
  isSending: boolean;
  /** Files queued, not all uploaded yet: the dialog shows their upload progress. */
  isDelivering: boolean;
  /** A sentence about files that could not be added. */
  notice: string | null;
  /**
   * Stages and queues every accepted file, one message each, in order (the first carries the
   * reply quote). Files that fail stay with their reason; queued ones stay, showing their upload
   * progress from the core's `media:progress`, until the server has them.
   */
  send(conversationId: string, replyToMessageId?: string): Promise<boolean>;
}

/** Types WhatsApp shows captions for. */
export const CAPTIONED: ReadonlySet<MediaType> = new Set(['image', 'video', 'document']);

let seq = 0;

/** The media composer's files: checks, previews, captions, staging progress and sending. */
export function useMediaDraft(): MediaDraft {
  const client = useParleyClient();
  const stage = useStageMedia();
  const [items, setItems] = useState<DraftFile[]>([]);
  const [isSending, setSending] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const urls = useRef(new Map<string, string>());

  // Object URLs live as long as their item, and never past the composer.
  useEffect(() => {
    const owned = urls.current;
    return () => {
      for (const url of owned.values()) URL.revokeObjectURL(url);
      owned.clear();
    };
  }, []);

  const patch = useCallback((key: string, change: Partial<DraftFile>) => {
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)));
  }, []);

  const add = useCallback(
    (files: File[]) => {
      const room = Math.max(0, MAX_FILES - items.length);
      setNotice(
        files.length > room
          ? `Up to ${MAX_FILES} files at a time; ${files.length - room} were left out.`
          : null,
      );
      const added = files.slice(0, room).map((file): DraftFile => {
        seq += 1;
        const key = `f${seq}`;
        const name = safeLabel(file.name, 120) || 'file';
        const check = checkMedia(file, name);
        const canPreview = typeof URL.createObjectURL === 'function';
        let previewUrl: string | null = null;
        if (check.ok && (check.type === 'image' || check.type === 'sticker') && canPreview) {
          previewUrl = URL.createObjectURL(file);
          urls.current.set(key, previewUrl);
        }
        if (check.ok && check.type === 'video' && canPreview) {
          const objectUrl = URL.createObjectURL(file);
          urls.current.set(key, objectUrl);
          void videoPoster(objectUrl).then((poster) => {
            if (poster) patch(key, { previewUrl: poster });
          });
        }
        return {
          key,
          file,
          name,
          check,
          caption: '',
          previewUrl,
          phase: 'ready',
          progress: 0,
          mediaId: null,
          error: null,
        };
      });
      setItems((list) => [...list, ...added]);
    },
    [items.length, patch],
  );

  const remove = useCallback((key: string) => {
    const url = urls.current.get(key);
    if (url) {
      URL.revokeObjectURL(url);
      urls.current.delete(key);
    }
    setItems((list) => list.filter((i) => i.key !== key));
  }, []);

  const clear = useCallback(() => {
    for (const url of urls.current.values()) URL.revokeObjectURL(url);
    urls.current.clear();
    setItems([]);
    setNotice(null);
  }, []);

  const setCaption = useCallback((key: string, caption: string) => patch(key, { caption }), [patch]);

  const send = useCallback(
    async (conversationId: string, replyToMessageId?: string) => {
      setSending(true);
      let allOk = true;
      let isFirst = true;
      const snapshot = items;
      for (const item of snapshot) {
        if (!item.check.ok || (item.phase !== 'ready' && item.phase !== 'error')) continue;
        const { type, mimeType } = item.check;
        if (item.caption.length > WHATSAPP_LIMITS.captionMaxChars) {
          allOk = false;
          continue;
        }
        patch(item.key, { phase: 'reading', progress: 0, error: null });
        const staged = await stage(item.file, mimeType, (phase, fraction) =>
          patch(item.key, { phase, progress: fraction }),
        );
        if (!staged.ok) {
          allOk = false;
          patch(item.key, { phase: 'error', error: staged.error.message });
          continue;
        }
        patch(item.key, { phase: 'sending', mediaId: staged.value.mediaId });
        const caption = CAPTIONED.has(type) ? item.caption.trim() : '';
        const sent = await client.call('messages:send', {
          conversationId,
          message: {
            type,
            mediaId: staged.value.mediaId,
            ...(caption ? { caption } : {}),
            ...(type === 'document' ? { fileName: item.file.name.slice(0, 240) } : {}),
            ...(isFirst && replyToMessageId ? { replyToMessageId } : {}),
          },
        });
        if (!sent.ok) {
          allOk = false;
          patch(item.key, { phase: 'error', error: sent.error.message });
          continue;
        }
        isFirst = false;
        // Unless its upload already started (progress events may beat this line).
        setItems((list) =>
          list.map((i) =>
            i.key === item.key && i.phase === 'sending' ? { ...i, phase: 'queued', progress: 0 } : i,
          ),
        );
      }
      setSending(false);
      return allOk;
    },
    [client, items, patch, stage],
  );

  // The outbox flush uploads queued files; each shows its own progress until the server has it.
  useParleyEvent('media:progress', (p) => {
    setItems((list) =>
      list.map((i) =>
        i.mediaId !== p.mediaId || i.phase === 'ready'
          ? i
          : p.state === 'failed'
            ? { ...i, phase: 'error', error: 'The server refused this file; the Outbox says why.' }
            : {
                ...i,
                phase: p.state === 'done' ? 'uploaded' : 'uploading',
                progress: p.state === 'done' ? 1 : p.totalBytes > 0 ? p.sentBytes / p.totalBytes : 0,
              },
      ),
    );
  });

  const isDelivering =
    !isSending &&
    items.some((i) => i.phase === 'queued' || i.phase === 'uploading' || i.phase === 'uploaded');

  return { items, add, remove, setCaption, clear, isSending, isDelivering, notice, send };
}
