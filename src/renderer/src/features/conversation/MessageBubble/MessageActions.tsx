import { ActionIcon, Menu, SimpleGrid } from '@mantine/core';
import { IconArrowBackUp, IconCopy, IconMoodSmile } from '@tabler/icons-react';
import type { ThreadMessage } from '#contract/ipc/contract';
import { useThreadContext } from '../thread-context';
import './MessageBubble.css';

/** Quick reactions, as WhatsApp offers them. */
export const QUICK_REACTIONS = [
  { emoji: '👍', name: 'thumbs up' },
  { emoji: '❤️', name: 'red heart' },
  { emoji: '😂', name: 'face with tears of joy' },
  { emoji: '😮', name: 'face with open mouth' },
  { emoji: '😢', name: 'crying face' },
  { emoji: '🙏', name: 'folded hands' },
] as const;

/** Props of {@link MessageActions}. */
export interface MessageActionsProps {
  message: ThreadMessage;
  /** Text to copy, when the message has any. */
  copyText: string | null;
}

/**
 * Reply, react and copy for a message that reached the server (a queued one has nothing to
 * quote yet). Shown on hover and on keyboard focus.
 */
export function MessageActions({ message, copyText }: MessageActionsProps) {
  const { reply, react } = useThreadContext();
  const canQuote =
    message.convSeq > 0 && !message.pending && message.type !== 'reaction' && message.type !== 'system';
  if (!canQuote && !copyText) return null;
  return (
    <div className="pv-actions">
      {canQuote && (
        <ActionIcon variant="subtle" color="gray" size="sm" aria-label="Reply" onClick={() => reply(message)}>
          <IconArrowBackUp size={16} aria-hidden />
        </ActionIcon>
      )}
      {canQuote && (
        <Menu position="top" withinPortal shadow="md">
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" size="sm" aria-label="React">
              <IconMoodSmile size={16} aria-hidden />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <SimpleGrid cols={6} spacing={2}>
              {QUICK_REACTIONS.map((r) => (
                <Menu.Item
                  key={r.emoji}
                  aria-label={`React with ${r.name}`}
                  onClick={() => react(message, r.emoji)}
                  fz="lg"
                  p={4}
                >
                  {r.emoji}
                </Menu.Item>
              ))}
            </SimpleGrid>
          </Menu.Dropdown>
        </Menu>
      )}
      {copyText && (
        <ActionIcon
          variant="subtle"
          color="gray"
          size="sm"
          aria-label="Copy text"
          onClick={() => void navigator.clipboard?.writeText(copyText)}
        >
          <IconCopy size={16} aria-hidden />
        </ActionIcon>
      )}
    </div>
  );
}
