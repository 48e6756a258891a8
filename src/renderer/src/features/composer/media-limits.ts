import { WHATSAPP_LIMITS, type MediaType } from '#contract/domain/messaging';
import { formatBytes } from '../../components/format';

/** What WhatsApp will accept a file as, or why it will not. */
export type MediaCheck = { ok: true; type: MediaType; mimeType: string } | { ok: false; reason: string };

/** Aliases browsers and operating systems use for the MIME types WhatsApp lists. */
const MIME_ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/x-aac': 'audio/aac',
  'audio/opus': 'audio/ogg',
  'video/3gp': 'video/3gpp',
};

/** Extensions for files the OS gave no MIME type (drag and drop from some file managers). */
const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  aac: 'audio/aac',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  txt: 'text/plain',
  pdf: 'application/pdf',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const TYPE_NOUN: Record<MediaType, string> = {
  image: 'images',
  video: 'videos',
  audio: 'audio files',
  document: 'documents',
  sticker: 'stickers',
};

/** The sentence listing what WhatsApp accepts. */
export const ACCEPTED_SUMMARY =
  'WhatsApp accepts JPEG and PNG images (5 MB), MP4 and 3GP videos (16 MB), AAC, AMR, MP3, M4A and OGG audio (16 MB), PDF, Word, Excel, PowerPoint and text documents (100 MB), and WebP stickers (500 KB).';

/** The `accept` attribute of the file input: every type WhatsApp takes. */
export const ACCEPT_ATTRIBUTE = [
  ...Object.values(WHATSAPP_LIMITS.media).flatMap((m) => [...m.mimeTypes]),
  ...Object.keys(BY_EXTENSION).map((ext) => `.${ext}`),
].join(',');

/** The normalized MIME type of a file (parameters dropped, aliases resolved, extension as fallback). */
export function normalizedMimeType(file: Pick<File, 'name' | 'type'>): string {
  const base = file.type.split(';')[0]!.trim().toLowerCase();
  if (base) return MIME_ALIASES[base] ?? base;
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return BY_EXTENSION[ext] ?? 'application/octet-stream';
}

/**
 * Checks a file against WhatsApp's type and size limits (WHATSAPP_LIMITS) before anything is
 * staged, and says why in a sentence naming the file when it does not fit.
 */
export function checkMedia(file: Pick<File, 'name' | 'type' | 'size'>, displayName: string): MediaCheck {
  const mimeType = normalizedMimeType(file);
  const entry = (
    Object.entries(WHATSAPP_LIMITS.media) as Array<
      [MediaType, { maxBytes: number; mimeTypes: readonly string[] }]
    >
  ).find(([, limits]) => limits.mimeTypes.includes(mimeType));
  if (!entry) {
    return {
      ok: false,
      reason: `${displayName}: WhatsApp doesn't accept this type of file (${mimeType}). ${ACCEPTED_SUMMARY}`,
    };
  }
  const [type, limits] = entry;
  if (file.size === 0) return { ok: false, reason: `${displayName} is empty.` };
  if (file.size > limits.maxBytes) {
    return {
      ok: false,
      reason: `${displayName} is ${formatBytes(file.size)}; WhatsApp allows ${TYPE_NOUN[type]} up to ${formatBytes(limits.maxBytes)}.`,
    };
  }
  return { ok: true, type, mimeType };
}
