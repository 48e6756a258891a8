import { Badge } from '@mantine/core';
import type { Reaction } from '#contract/api/messages';
import { safeLabel } from '../../../components/FormattedText';
import { useThreadContext } from '../thread-context';
import './MessageBubble.css';

/** Props of {@link ReactionBar}. */
export interface ReactionBarProps {
  reactions: Reaction[];
}

/** The emoji reactions on a message, grouped by emoji, with who reacted in the label. */
export function ReactionBar({ reactions }: ReactionBarProps) {
  const { contactName, memberName, myUserId } = useThreadContext();
  if (reactions.length === 0) return null;
  const groups = new Map<string, string[]>();
  for (const r of reactions) {
    const emoji = safeLabel(r.emoji, 16);
    if (!emoji) continue;
    const who =
      r.by === 'customer' ? contactName : r.by === myUserId ? 'You' : (memberName(r.by) ?? 'A teammate');
    groups.set(emoji, [...(groups.get(emoji) ?? []), who]);
  }
  return (
    <div className="pv-reactions">
      {[...groups].map(([emoji, who]) => (
        <Badge
          key={emoji}
          variant="default"
          size="lg"
          radius="xl"
          tt="none"
          fw={500}
          role="img"
          aria-label={`${emoji} reaction from ${who.join(', ')}`}
          title={who.join(', ')}
        >
          {emoji}
          {who.length > 1 ? ` ${who.length}` : ''}
        </Badge>
      ))}
    </div>
  );
}
