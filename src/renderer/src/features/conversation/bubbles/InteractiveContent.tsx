import { Badge, Box, Group, Text } from '@mantine/core';
import { IconHandClick } from '@tabler/icons-react';
import type { InteractiveReply } from '#contract/api/messages';
import { safeLabel } from '../../../components/FormattedText';

/** Props of {@link InteractiveContent}. */
export interface InteractiveContentProps {
  reply: InteractiveReply;
}

const KIND: Record<InteractiveReply['kind'], string> = {
  button_reply: 'Button reply',
  list_reply: 'List reply',
  nfm_reply: 'Form reply',
  quick_reply: 'Quick reply',
};

/** The customer's tap on a button, list row, form or template quick reply. */
export function InteractiveContent({ reply }: InteractiveContentProps) {
  return (
    <Box>
      <Group gap={6} wrap="nowrap">
        <IconHandClick size={16} aria-hidden />
        <Badge size="xs" variant="light" tt="none">
          {KIND[reply.kind]}
        </Badge>
      </Group>
      <Text size="sm" fw={600} mt={4} style={{ overflowWrap: 'anywhere' }}>
        {safeLabel(reply.title, 300) || '(no title)'}
      </Text>
      {reply.description && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {safeLabel(reply.description, 300)}
        </Text>
      )}
    </Box>
  );
}
