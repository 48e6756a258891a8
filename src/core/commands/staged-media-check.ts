import { WHATSAPP_LIMITS, type MediaType } from '#contract/domain/messaging';
import type { AppError } from '#contract/result';
import type { MessageSendArgs } from '#contract/sync/protocol';
import type { CommandDeps } from './commands';

/**
 * A staged file must fit the type it is sent as (WhatsApp's MIME types and size limits), so a
 * message the server would refuse at upload is refused now, before it is queued. Null when the
 * message names no staged file or the file fits.
 */
export function stagedMediaProblem(a: MessageSendArgs, staged: CommandDeps['staged']): AppError | null {
  const ref =
    'mediaId' in a
      ? { id: a.mediaId, type: a.type }
      : a.type === 'template' && a.parameters.header && 'mediaId' in a.parameters.header
        ? { id: a.parameters.header.mediaId, type: a.parameters.header.type }
        : null;
  const f = ref ? staged?.(ref.id) : null;
  if (!ref || !f || !(ref.type in WHATSAPP_LIMITS.media)) return null;
  const limits = WHATSAPP_LIMITS.media[ref.type as MediaType];
  if (!(limits.mimeTypes as readonly string[]).includes(f.mimeType))
    return {
      code: 'unsupported_media_type',
      message: `${f.fileName} (${f.mimeType}) cannot be sent as ${ref.type === 'image' ? 'an' : 'a'} ${ref.type}.`,
    };
  if (f.size > limits.maxBytes)
    return {
      code: 'payload_too_large',
      message: `${f.fileName} is larger than WhatsApp allows for ${ref.type === 'audio' ? 'audio' : `${ref.type}s`}.`,
    };
  return null;
}
