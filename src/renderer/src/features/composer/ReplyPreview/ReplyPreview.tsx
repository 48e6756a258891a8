import { ActionIcon, Box, Group, Text } from '@mantine/core';
import { IconArrowBackUp, IconX } from '@tabler/icons-react';
import type { Message } from '#contract/api/messages';
import { messageSummary } from '../../../components/format';

/** Props of {@link ReplyPreview}. */
export interface ReplyPreviewProps {
  message: Message;
  /** Who wrote it ("Grace Hopper", "You"). */
  author: string;
  onCancel(): void;
}

/** The message being replied to, above the message box; the × (or Escape in the box) cancels. */
export function ReplyPreview({ message, author, onCancel }: ReplyPreviewProps) {
  const summary = messageSummary(message, 160);
  return (
    <Box
      px="sm"
      py={6}
      role="group"
      aria-label={`Replying to ${author}`}
      style={{
        borderLeft: '3px solid var(--mantine-primary-color-filled)',
        borderRadius: 'var(--mantine-radius-sm)',
        background: 'var(--mantine-color-default-hover)',
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Box miw={0}>
          <Group gap={4} wrap="nowrap">
            <IconArrowBackUp size={14} aria-hidden />
            <Text size="xs" fw={700}>
              Replying to {author}
            </Text>
          </Group>
          <Text size="sm" lineClamp={2} dir="auto" style={{ overflowWrap: 'anywhere' }}>
            {summary}
          </Text>
        </Box>
        <ActionIcon variant="subtle" color="gray" onClick={onCancel} aria-label="Cancel reply">
          <IconX size={16} aria-hidden />
        </ActionIcon>
      </Group>
    </Box>
  );
}
