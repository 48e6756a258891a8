import type { In, ThreadMessage } from '#contract/ipc/contract';

/**
 * A new copy of a message Meta failed after the server accepted it (the outbox has nothing left
 * to retry): same type, content and quoted message. Null for a type that cannot be sent again.
 */
export function resendInput(m: ThreadMessage): In<'messages:send'>['message'] | null {
  const reply = m.replyToMessageId ? { replyToMessageId: m.replyToMessageId } : {};
  if (m.type === 'text' && m.text) return { type: 'text', text: m.text, ...reply };
  if (m.type === 'template' && m.template)
    return {
      type: 'template',
      templateName: m.template.name,
      language: m.template.language,
      parameters: m.template.parameters,
      ...reply,
    };
  if (m.type === 'location' && m.location) return { type: 'location', location: m.location, ...reply };
  if (
    m.media &&
    (m.type === 'image' ||
      m.type === 'video' ||
      m.type === 'audio' ||
      m.type === 'document' ||
      m.type === 'sticker')
  )
    return {
      type: m.type,
      mediaId: m.media.id,
      ...(m.caption ? { caption: m.caption } : {}),
      ...(m.media.fileName && m.type === 'document' ? { fileName: m.media.fileName } : {}),
      ...reply,
    };
  return null;
}
