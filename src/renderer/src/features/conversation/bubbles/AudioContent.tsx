import { Box, Button, Group, Text } from '@mantine/core';
import { IconMicrophone, IconMusic, IconPlayerPlay } from '@tabler/icons-react';
import type { MessageMedia } from '#contract/api/messages';
import { formatBytes } from '../../../components/format';
import { safeLabel } from '../../../components/FormattedText';
import { useMediaSource } from '../useMediaSource';
import { MediaStateNote } from './MediaStateNote';
import './bubbles.css';

/** Props of {@link AudioContent}. */
export interface AudioContentProps {
  media: MessageMedia;
}

/** A voice note or an audio file: fetched when the agent presses Play, then the browser's player. */
export function AudioContent({ media }: AudioContentProps) {
  const { state, source, error, load } = useMediaSource(media.id, false);
  const kind = media.voice ? 'voice note' : 'audio';
  const name = safeLabel(media.fileName);
  const Icon = media.voice ? IconMicrophone : IconMusic;
  return (
    <Box>
      <Group gap="xs" wrap="nowrap" mb={4}>
        <Icon size={18} aria-hidden />
        <Text size="sm" fw={500}>
          {media.voice ? 'Voice note' : name || 'Audio'}
        </Text>
        {media.size ? (
          <Text size="xs" c="dimmed">
            {formatBytes(media.size)}
          </Text>
        ) : null}
      </Group>
      {state === 'ready' && source?.url ? (
        <audio src={source.url} controls autoPlay className="pv-media-audio" aria-label={`Play ${kind}`} />
      ) : (
        <Button
          leftSection={<IconPlayerPlay size={16} aria-hidden />}
          variant="light"
          size="xs"
          onClick={load}
          loading={state === 'loading'}
          disabled={media.state !== 'ready'}
        >
          {media.voice ? 'Play voice note' : 'Play audio'}
        </Button>
      )}
      {state === 'ready' && !source?.url && (
        <Text size="xs" c="dimmed">
          Saved on this device; playback isn&apos;t available in this version.
        </Text>
      )}
      <MediaStateNote media={media} fetchError={error} onRetry={load} />
    </Box>
  );
}
