import { Box, Button, Group, Text } from '@mantine/core';
import { IconArrowForward, IconRefresh, IconTemplate, IconTrash } from '@tabler/icons-react';
import type { Reaction } from '#contract/api/messages';
import type { ThreadMessage } from '#contract/ipc/contract';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { formatClock, remedyFor } from '../../../components/format';
import { safeLabel } from '../../../components/FormattedText';
import { MessageContent } from '../bubbles/MessageContent';
import { useThreadContext } from '../thread-context';
import { MessageActions } from './MessageActions';
import './MessageBubble.css';
import { failureOf, statusOf } from './message-status';
import { MessageStatusIcon } from './MessageStatusIcon';
import { ReactionBar } from './ReactionBar';
import { ReplyQuote } from './ReplyQuote';

/** Props of {@link MessageBubble}. */
export interface MessageBubbleProps {
  message: ThreadMessage;
  /** Reactions on this message (confirmed and queued). */
  reactions: Reaction[];
}

/** The text a message can be copied as. */
function copyTextOf(m: ThreadMessage): string | null {
  return m.text ?? m.caption ?? m.template?.renderedBody ?? null;
}

/**
 * One message: who and when, the quoted message, the body by type, reactions, and for
 * outbound messages the delivery state (Queued, Sent, Delivered, Read or Failed). A failed
 * message keeps its content and says why (a sentence; the code under Details), with what can
 * help: Retry, or **Send a template** when the reply window has closed, never a Retry that
 * cannot succeed (and Discard when it never left).
 */
export function MessageBubble({ message: m, reactions }: MessageBubbleProps) {
  const { contactName, memberName, myUserId, highlightedId, retry, discard, view, windowOpen, sendTemplate } =
    useThreadContext();
  const isOutbound = m.direction === 'outbound';
  const status = isOutbound ? statusOf(m) : null;
  const failure = isOutbound ? failureOf(m) : null;
  // Retry only where it can work; a closed window offers a template instead.
  const remedy = failure ? remedyFor(failure.code, windowOpen) : null;
  const author = !isOutbound
    ? contactName
    : m.authorId === myUserId
      ? 'You'
      : m.authorId
        ? (memberName(m.authorId) ?? 'A teammate')
        : m.apiKeyName
          ? `Via API key “${safeLabel(m.apiKeyName, 80)}”`
          : 'Parley';
  const time = formatClock(m.createdAt);
  return (
    <div className="pv-row" data-direction={m.direction} data-type={m.type}>
      <div className="pv-column">
        <Box
          component="article"
          className="pv-bubble"
          data-failed={failure ? true : undefined}
          data-highlighted={highlightedId === m.id ? true : undefined}
          aria-label={`${author}, ${time}${status ? `, ${status}` : ''}`}
        >
          {isOutbound && author !== 'You' && (
            <Text size="xs" fw={600} c="dimmed" lineClamp={1}>
              {author}
            </Text>
          )}
          {(m.forwarded || m.frequentlyForwarded) && (
            <Group gap={4} c="dimmed">
              <IconArrowForward size={12} aria-hidden />
              <Text size="xs" fs="italic">
                {m.frequentlyForwarded ? 'Forwarded many times' : 'Forwarded'}
              </Text>
            </Group>
          )}
          {m.replyToMessageId && <ReplyQuote replyToMessageId={m.replyToMessageId} />}
          <MessageContent message={m} onView={() => view(m)} />
          <div className="pv-meta">
            <Text size="xs" c="dimmed" component="time" dateTime={m.createdAt}>
              {time}
            </Text>
            {status && <MessageStatusIcon status={status} at={m.statusAt} />}
          </div>
          {failure && (
            <Box mt={4}>
              <ErrorNotice
                role="alert"
                message={safeLabel(failure.reason, 500)}
                code={failure.code ? safeLabel(failure.code, 40) : null}
              />
              <Group gap="xs" mt={4} justify="flex-end">
                {failure.retry === 'outbox' && m.pending && (
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color="gray"
                    leftSection={<IconTrash size={14} aria-hidden />}
                    onClick={() => discard(m)}
                  >
                    Discard
                  </Button>
                )}
                {remedy === 'retry' && (
                  <Button
                    size="compact-sm"
                    variant="filled"
                    leftSection={<IconRefresh size={14} aria-hidden />}
                    onClick={() => retry(m)}
                  >
                    Retry
                  </Button>
                )}
                {remedy === 'template' && (
                  <Button
                    size="compact-sm"
                    variant="filled"
                    leftSection={<IconTemplate size={14} aria-hidden />}
                    onClick={sendTemplate}
                  >
                    Send a template
                  </Button>
                )}
              </Group>
            </Box>
          )}
        </Box>
        <ReactionBar reactions={reactions} />
      </div>
      <MessageActions message={m} copyText={copyTextOf(m)} />
    </div>
  );
}
