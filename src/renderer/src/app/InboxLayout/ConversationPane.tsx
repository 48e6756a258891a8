import { Box, EmptyState, Kbd, Text } from '@mantine/core';
import { IconMessageCircle } from '@tabler/icons-react';
import { memo } from 'react';
import { ConversationView } from '../../features/conversation';

/** Props of {@link ConversationPane}. */
export interface ConversationPaneProps {
  /** The open conversation, or null for the empty state. */
  conversationId: string | null;
  onClose(): void;
}

/** The right column: the open conversation (the conversation feature's view), or a hint. */
export const ConversationPane = memo(function ConversationPane({
  conversationId,
  onClose,
}: ConversationPaneProps) {
  return (
    <Box
      component="section"
      aria-label="Conversation"
      className="pa-inbox-pane"
      h="100%"
      p="md"
      style={{ overflow: 'hidden' }}
    >
      {conversationId ? (
        <ConversationView key={conversationId} conversationId={conversationId} onClose={onClose} />
      ) : (
        <EmptyState
          mt="20vh"
          size="md"
          variant="light"
          icon={<IconMessageCircle aria-hidden />}
          title="No conversation open"
          description={
            <Text size="sm" c="dimmed" component="span">
              Pick one from the list, or move with <Kbd size="xs">J</Kbd> <Kbd size="xs">K</Kbd> and open with{' '}
              <Kbd size="xs">Enter</Kbd>. <Kbd size="xs">?</Kbd> lists every shortcut.
            </Text>
          }
        />
      )}
    </Box>
  );
});
