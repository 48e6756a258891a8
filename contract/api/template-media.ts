import { z } from 'zod';
import { text } from '../domain/text';

/**
 * A template's media header sample (issue 12): Meta wants it uploaded through its Resumable
 * Upload API and named by the handle it answers (`example.header_handle`). Parley's server does
 * the upload for an account: `POST /api/v1/whatsapp-accounts/:id/template-media?fileName=…` with
 * the file itself as the body (its MIME type as `Content-Type`, its length declared), streamed on
 * to Meta, answering `{handle}`.
 */

/** The file types Meta accepts as a header sample, and the largest each may be (bytes). */
export const TEMPLATE_MEDIA_LIMITS = {
  'image/jpeg': 5 * 1024 * 1024,
  'image/png': 5 * 1024 * 1024,
  'video/mp4': 16 * 1024 * 1024,
  'application/pdf': 100 * 1024 * 1024,
} as const;
export const TemplateMediaType = z.enum(
  Object.keys(TEMPLATE_MEDIA_LIMITS) as [keyof typeof TEMPLATE_MEDIA_LIMITS],
  { message: 'Use a JPEG or PNG image, an MP4 video or a PDF document' },
);
export type TemplateMediaType = z.infer<typeof TemplateMediaType>;

/** The header format a sample type is for. */
export const headerFormatOf = (t: TemplateMediaType): 'IMAGE' | 'VIDEO' | 'DOCUMENT' =>
  t.startsWith('image/') ? 'IMAGE' : t === 'video/mp4' ? 'VIDEO' : 'DOCUMENT';

/** What a header format accepts (for a file picker's `accept`). */
export const TYPES_FOR_FORMAT: Record<'IMAGE' | 'VIDEO' | 'DOCUMENT', TemplateMediaType[]> = {
  IMAGE: ['image/jpeg', 'image/png'],
  VIDEO: ['video/mp4'],
  DOCUMENT: ['application/pdf'],
};

const MB = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

/** Why a sample of this type and length is too large for Meta, or null when it is not. */
export const tooLargeFor = (type: TemplateMediaType, length: number): string | null => {
  const max = TEMPLATE_MEDIA_LIMITS[type];
  return length > max
    ? `Meta accepts ${type} header samples of at most ${MB(max)}; this file is ${(length / (1024 * 1024)).toFixed(1)} MB.`
    : null;
};

/** `POST /api/v1/whatsapp-accounts/:id/template-media` query: the file's name (the body is the file). */
export const UploadTemplateMediaQuery = z.object({
  fileName: text().trim().min(1, { message: 'Name the file' }).max(240),
});
export type UploadTemplateMediaQuery = z.infer<typeof UploadTemplateMediaQuery>;

/** The answer: the handle to put in the header's `example`. */
export const TemplateMediaHandle = z.object({ handle: z.string().min(1) });
export type TemplateMediaHandle = z.infer<typeof TemplateMediaHandle>;
