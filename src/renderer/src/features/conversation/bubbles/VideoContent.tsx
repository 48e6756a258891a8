import { ActionIcon, Box, Button, Group, Text } from '@mantine/core';
import { IconArrowsMaximize, IconPlayerPlay } from '@tabler/icons-react';
import type { MessageMedia } from '#contract/api/messages';
import { formatBytes } from '../../../components/format';
import { safeLabel } from '../../../components/FormattedText';
import { useMediaSource } from '../useMediaSource';
import { MediaStateNote } from './MediaStateNote';
import './bubbles.css';

/** Props of {@link VideoContent}. */
export interface VideoContentProps {
  media: MessageMedia;
  /** Opens the viewer. */
  onView(): void;
}

/**
 * A video: a play placeholder until the agent asks for it (videos are up to 16 MB, so they are
 * not fetched just because they scrolled past), then the player inline, expandable in the viewer.
 */
export function VideoContent({ media, onView }: VideoContentProps) {
  const { state, source, error, load } = useMediaSource(media.id, false);
  const name = safeLabel(media.fileName) || 'video';
  if (state === 'ready' && source?.url) {
    return (
      <Box pos="relative">
        <video
          src={source.url}
          controls
          autoPlay
          preload="metadata"
          className="pv-media-video"
          aria-label={`Video ${name}`}
        />
        <ActionIcon
          variant="default"
          size="sm"
          pos="absolute"
          top={6}
          right={6}
          onClick={onView}
          aria-label={`Open video ${name} in the viewer`}
        >
          <IconArrowsMaximize size={14} aria-hidden />
        </ActionIcon>
      </Box>
    );
  }
  return (
    <Box>
      <Box className="pv-media-placeholder">
        <Button
          leftSection={<IconPlayerPlay size={16} aria-hidden />}
          variant="filled"
          size="xs"
          onClick={load}
          loading={state === 'loading'}
          disabled={media.state !== 'ready'}
          aria-label={`Play video ${name}`}
        >
          Play video
        </Button>
        <Text size="xs" c="dimmed">
          {media.size ? formatBytes(media.size) : 'Video'}
        </Text>
        {state === 'ready' && !source?.url && (
          <Text size="xs" c="dimmed">
            Saved on this device; playback isn&apos;t available in this version.
          </Text>
        )}
      </Box>
      <Group>
        <MediaStateNote media={media} fetchError={error} onRetry={load} />
      </Group>
    </Box>
  );
}
