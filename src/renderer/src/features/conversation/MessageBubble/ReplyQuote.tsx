import { Text, UnstyledButton } from '@mantine/core';
import { messageSummary } from '../../../components/format';
import { useThreadContext } from '../thread-context';
import './MessageBubble.css';

/** Props of {@link ReplyQuote}. */
export interface ReplyQuoteProps {
  replyToMessageId: string;
}

/** The quoted message above a reply; activating it jumps to (and highlights) the original. */
export function ReplyQuote({ replyToMessageId }: ReplyQuoteProps) {
  const { messageById, jumpTo, contactName, memberName, myUserId } = useThreadContext();
  const original = messageById(replyToMessageId);
  const author = !original
    ? null
    : original.direction === 'inbound'
      ? contactName
      : original.authorId === myUserId
        ? 'You'
        : (memberName(original.authorId) ?? 'Your team');
  const summary = original ? messageSummary(original, 120) : 'Earlier message (not loaded yet)';
  return (
    <UnstyledButton
      className="pv-quote"
      onClick={() => jumpTo(replyToMessageId)}
      aria-label={`Replying to ${author ?? 'an earlier message'}: ${summary}. Show the original message`}
    >
      {author && (
        <Text size="xs" fw={700} c="var(--mantine-primary-color-light-color)" lineClamp={1}>
          {author}
        </Text>
      )}
      <Text size="xs" lineClamp={2} dir="auto" style={{ overflowWrap: 'anywhere' }}>
        {summary}
      </Text>
    </UnstyledButton>
  );
}
