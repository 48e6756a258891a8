import type { Message } from '#contract/api/messages';
import { MESSAGE_TYPE_LABEL } from '#contract/domain/messaging';
import { parseWhatsAppFormat, plainText, safeLabel } from '../FormattedText/whatsapp-format';

const clip = (text: string, max: number) => {
  const line = text.replace(/\s+/gu, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** One line describing a message ("Photo: cake.jpg", the text without markers…), at most `max` characters. */
export function messageSummary(m: Message, max = 140): string {
  const formatted = (text: string) => clip(plainText(parseWhatsAppFormat(text.slice(0, max * 4))), max);
  switch (m.type) {
    case 'text':
      return formatted(m.text ?? '');
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker': {
      const label = m.type === 'audio' && m.media?.voice ? 'Voice note' : MESSAGE_TYPE_LABEL[m.type];
      const detail = m.caption ? formatted(m.caption) : safeLabel(m.media?.fileName, max);
      return detail ? clip(`${label}: ${detail}`, max) : label;
    }
    case 'location':
      return clip(
        `Location: ${safeLabel(m.location?.name ?? m.location?.address) || 'shared location'}`,
        max,
      );
    case 'contacts':
      return clip(
        `Contact card: ${(m.contacts ?? []).map((c) => safeLabel(c.name.formattedName)).join(', ')}`,
        max,
      );
    case 'interactive':
    case 'button':
      return clip(`Tapped: ${safeLabel(m.interactive?.title)}`, max);
    case 'template':
      return m.template?.renderedBody
        ? formatted(m.template.renderedBody)
        : clip(`Template: ${safeLabel(m.template?.name)}`, max);
    case 'reaction':
      return m.reaction?.emoji ? `Reacted ${m.reaction.emoji}` : 'Removed a reaction';
    default:
      return MESSAGE_TYPE_LABEL[m.type];
  }
}
