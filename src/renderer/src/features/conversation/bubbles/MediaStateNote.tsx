import { Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconLoader2 } from '@tabler/icons-react';
import type { MessageMedia } from '#contract/api/messages';
import { safeLabel } from '../../../components/FormattedText';

/** Props of {@link MediaStateNote}. */
export interface MediaStateNoteProps {
  media: MessageMedia;
  /** Why the local fetch failed (media:get), if it did. */
  fetchError: string | null;
  onRetry(): void;
}

/**
 * Says why a file cannot be shown: still coming from WhatsApp, WhatsApp gave up, or the local
 * fetch failed (offline…), with a way to try again. Renders nothing when the file is fine.
 */
export function MediaStateNote({ media, fetchError, onRetry }: MediaStateNoteProps) {
  // Media sent by URL: Parley keeps a copy fetched from the link; the customer got the link's file.
  const byLink = !!media.url;
  if (media.state === 'pending') {
    return (
      <Group gap={6} wrap="nowrap">
        <IconLoader2 size={16} aria-hidden />
        <Text size="xs" c="dimmed">
          {byLink ? 'Copying the file from its link…' : 'Fetching the file from WhatsApp…'}
        </Text>
      </Group>
    );
  }
  if (media.state === 'failed' && byLink) {
    return (
      <Group gap={6} wrap="nowrap">
        <IconAlertTriangle size={16} aria-hidden color="var(--mantine-color-error)" />
        <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
          Parley could not copy this file from {safeLabel(media.url, 200)}; WhatsApp was given the link.
        </Text>
      </Group>
    );
  }
  if (media.state === 'failed') {
    return (
      <Group gap={6} wrap="nowrap">
        <IconAlertTriangle size={16} aria-hidden color="var(--mantine-color-error)" />
        <Text size="xs">WhatsApp no longer has this file; ask the customer to send it again.</Text>
      </Group>
    );
  }
  if (fetchError) {
    return (
      <Group gap={6} wrap="nowrap" align="center">
        <IconAlertTriangle size={16} aria-hidden color="var(--mantine-color-error)" />
        <Text size="xs">{fetchError}</Text>
        <Button variant="subtle" size="compact-xs" onClick={onRetry}>
          Try again
        </Button>
      </Group>
    );
  }
  return null;
}
