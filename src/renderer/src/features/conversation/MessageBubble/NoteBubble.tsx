import { Box, Button, Group, Text } from '@mantine/core';
import { IconNote, IconRefresh } from '@tabler/icons-react';
import type { ThreadNote } from '#contract/ipc/contract';
import { formatClock } from '../../../components/format';
import { FormattedText, safeLabel } from '../../../components/FormattedText';
import { useThreadContext } from '../thread-context';
import './MessageBubble.css';

/** Props of {@link NoteBubble}. */
export interface NoteBubbleProps {
  note: ThreadNote;
  /** Retries a refused note. */
  onRetry(note: ThreadNote): void;
}

/** An internal note: full width, in the theme's yellow, labelled so it is never mistaken for a message. */
export function NoteBubble({ note, onRetry }: NoteBubbleProps) {
  const { memberName, myUserId } = useThreadContext();
  const author = note.authorId === myUserId ? 'You' : (memberName(note.authorId) ?? 'A teammate');
  const state = note.pending?.state === 'failed' ? 'Failed' : note.pending ? 'Queued' : null;
  return (
    <Box component="article" className="pv-note" aria-label={`Internal note by ${author}`}>
      <Group gap={6} justify="space-between" wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          <IconNote size={14} aria-hidden />
          <Text size="xs" fw={700}>
            Internal note
          </Text>
          {/* Default text colour: "dimmed" falls under AA on the yellow tint in the dark scheme. */}
          <Text size="xs">
            {author} · {formatClock(note.createdAt)}
          </Text>
        </Group>
        {state && (
          <Text size="xs" aria-label={state}>
            {state}
          </Text>
        )}
      </Group>
      <Text size="sm" component="div" mt={2}>
        <FormattedText text={note.body} />
      </Text>
      {note.pending?.state === 'failed' && (
        <Group gap="xs" mt={4}>
          <Text size="sm" role="alert">
            {safeLabel(note.pending.error?.message, 500) || 'The server refused this note.'}
          </Text>
          <Button
            size="compact-sm"
            leftSection={<IconRefresh size={14} aria-hidden />}
            onClick={() => onRetry(note)}
          >
            Retry
          </Button>
        </Group>
      )}
    </Box>
  );
}
