import { Button, Center, Divider, Group, Loader, Text } from '@mantine/core';
import { memo } from 'react';
import type { ThreadNote } from '#contract/ipc/contract';
import { MessageBubble } from '../MessageBubble/MessageBubble';
import { NoteBubble } from '../MessageBubble/NoteBubble';
import { sameRow } from './same-row';
import type { ThreadRow } from './thread-rows';

/** Props of {@link ThreadRowView}. */
export interface ThreadRowViewProps {
  row: ThreadRow;
  /** State of older history, for the top row. */
  history: { hasOlder: boolean; isLoadingOlder: boolean; historyError: string | null };
  onLoadOlder(): void;
  onRetryNote(note: ThreadNote): void;
}

/**
 * Whether a row may skip rendering: the same content (`sameRow`), and for the rows that use them
 * the same history state and callbacks. Bubbles read the rest from the thread's context, whose
 * value changes only when what it offers changes (ConversationView keeps it stable per message).
 */
function sameProps(prev: ThreadRowViewProps, next: ThreadRowViewProps): boolean {
  if (!sameRow(prev.row, next.row)) return false;
  if (next.row.kind === 'history')
    return (
      prev.onLoadOlder === next.onLoadOlder &&
      prev.history.hasOlder === next.history.hasOlder &&
      prev.history.isLoadingOlder === next.history.isLoadingOlder &&
      prev.history.historyError === next.history.historyError
    );
  if (next.row.kind === 'note') return prev.onRetryNote === next.onRetryNote;
  return true;
}

/** One row of the thread: the history line, a day separator, the unread marker, a message or a note. */
export const ThreadRowView = memo(function ThreadRowView({
  row,
  history,
  onLoadOlder,
  onRetryNote,
}: ThreadRowViewProps) {
  switch (row.kind) {
    case 'history':
      return (
        <Center py="sm" mih={40}>
          {history.isLoadingOlder ? (
            <Group gap="xs">
              <Loader size="xs" />
              <Text size="xs" c="dimmed">
                Loading older messages…
              </Text>
            </Group>
          ) : history.historyError ? (
            <Group gap="xs">
              <Text size="xs" c="dimmed">
                Older messages can&apos;t be loaded: {history.historyError}
              </Text>
              <Button size="compact-xs" variant="subtle" onClick={onLoadOlder}>
                Try again
              </Button>
            </Group>
          ) : history.hasOlder ? (
            <Button size="compact-xs" variant="subtle" onClick={onLoadOlder}>
              Load older messages
            </Button>
          ) : (
            <Text size="xs" c="dimmed">
              Start of the conversation
            </Text>
          )}
        </Center>
      );
    case 'day':
      return (
        <Divider
          my="xs"
          mx="md"
          label={
            <Text size="xs" fw={600} c="dimmed" component="span">
              {row.label}
            </Text>
          }
          labelPosition="center"
          role="separator"
          aria-label={row.label}
        />
      );
    case 'unread':
      return (
        <Divider
          my="xs"
          mx="md"
          color="red"
          label={
            // The divider line is red; its label keeps the body text colour, since red on the
            // dark thread background falls short of AA contrast at this size.
            <Text size="xs" fw={700} component="span" c="var(--mantine-color-text)">
              {row.count === 1 ? '1 unread message' : `${row.count} unread messages`}
            </Text>
          }
          labelPosition="center"
          role="separator"
          aria-label={row.count === 1 ? '1 unread message' : `${row.count} unread messages`}
        />
      );
    case 'message':
      return <MessageBubble message={row.message} reactions={row.reactions} />;
    case 'note':
      return <NoteBubble note={row.note} onRetry={onRetryNote} />;
  }
}, sameProps);
