import { WHATSAPP_LIMITS, type MediaType } from '#contract/domain/messaging';

// WhatsApp's per-type media rules (digest §4.2, §6), checked on upload and again before a send is
// queued, so an agent hears about a file WhatsApp will refuse before it reaches the queue.

/** The MIME type without parameters, lower-cased (`audio/ogg; codecs=opus` → `audio/ogg`). */
export const baseMime = (mimeType: string): string => mimeType.split(';')[0]!.trim().toLowerCase();

/** Human label per media type, for sentences. */
const LABEL: Record<MediaType, string> = {
  image: 'An image',
  video: 'A video',
  audio: 'An audio file',
  document: 'A document',
  sticker: 'A sticker',
};

/** A size for a sentence, rounded up (so a file just over a limit never reads as equal to it). */
const size = (bytes: number) => {
  const up = (n: number) => String(Math.ceil(n * 10) / 10);
  return bytes >= 1024 * 1024 ? `${up(bytes / 1024 / 1024)} MB` : `${up(bytes / 1024)} KB`;
};

/** The media type a MIME type is sent as when the caller does not say (webp → sticker). */
export function mediaTypeOfMime(mimeType: string): MediaType | null {
  const base = baseMime(mimeType);
  for (const type of ['image', 'sticker', 'video', 'audio', 'document'] as const)
    if ((WHATSAPP_LIMITS.media[type].mimeTypes as readonly string[]).includes(base)) return type;
  return null;
}

/** Whether WhatsApp accepts `mimeType` for `type`. */
export const acceptsMime = (type: MediaType, mimeType: string): boolean =>
  (WHATSAPP_LIMITS.media[type].mimeTypes as readonly string[]).includes(baseMime(mimeType));

/** What is wrong with sending a file as `type`, or null when WhatsApp accepts it. */
export function mediaProblem(
  type: MediaType,
  file: { mimeType: string; size: number | null },
): { code: 'unsupported_media_type' | 'payload_too_large'; message: string } | null {
  const limits = WHATSAPP_LIMITS.media[type];
  if (!acceptsMime(type, file.mimeType)) {
    return {
      code: 'unsupported_media_type',
      message: `${LABEL[type]} must be one of ${limits.mimeTypes.join(', ')}; this file is ${baseMime(file.mimeType) || 'of unknown type'}.`,
    };
  }
  if (file.size !== null && file.size > limits.maxBytes) {
    return {
      code: 'payload_too_large',
      message: `${LABEL[type]} can be at most ${size(limits.maxBytes)} on WhatsApp; this file is ${size(file.size)}.`,
    };
  }
  return null;
}
