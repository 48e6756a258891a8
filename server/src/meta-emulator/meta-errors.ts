import { lookupMetaError } from '../meta/error-catalog';

/** An error the emulator answers with: HTTP status plus Meta's error object (digest §5.1). */
export interface EmulatedError {
  status: number;
  body: {
    error: {
      message: string;
      type: string;
      code: number;
      error_data?: { messaging_product: 'whatsapp'; details: string };
      error_subcode?: number;
      fbtrace_id: string;
    };
  };
}

/**
 * Builds Meta's error object for `code`: `message` is `(#code) title`, the HTTP status is the
 * one in Meta's table unless overridden. 100 for a missing `messaging_product` is returned
 * without `error_data`, like Meta (digest §5.2).
 */
export function metaError(
  code: number,
  opts: { details?: string; subcode?: number; status?: number; title?: string; traceId: string },
): EmulatedError {
  const entry = lookupMetaError(code);
  const title = opts.title ?? entry.title;
  const error: EmulatedError['body']['error'] = {
    message: code === 190 ? title : `(#${code}) ${title}`,
    type: 'OAuthException',
    code,
    fbtrace_id: opts.traceId,
  };
  if (opts.details !== undefined) error.error_data = { messaging_product: 'whatsapp', details: opts.details };
  if (opts.subcode !== undefined) error.error_subcode = opts.subcode;
  return { status: opts.status ?? entry.httpStatus, body: { error } };
}
