import { Box, Skeleton, Text, UnstyledButton } from '@mantine/core';
import { IconPhoto } from '@tabler/icons-react';
import type { MessageMedia } from '#contract/api/messages';
import { safeLabel } from '../../../components/FormattedText';
import { useMediaSource } from '../useMediaSource';
import { MediaStateNote } from './MediaStateNote';
import './bubbles.css';

/** Props of {@link ImageContent}. */
export interface ImageContentProps {
  media: MessageMedia;
  /** The caption, for the image's text alternative. */
  caption?: string | null;
  /** Opens the viewer. */
  onView(): void;
}

/**
 * An image preview from the local cache (fetched when the row is on screen), in a fixed box so
 * the thread does not jump when it loads; activating it opens the viewer.
 */
export function ImageContent({ media, caption, onView }: ImageContentProps) {
  const { state, source, error, load } = useMediaSource(media.id, media.state === 'ready');
  const name = safeLabel(media.fileName) || 'image';
  const alt = caption ? `Photo: ${safeLabel(caption, 120)}` : `Photo ${name}`;
  return (
    <Box>
      {state === 'loading' && <Skeleton className="pv-media-preview" aria-label="Loading photo" />}
      {state === 'ready' && source?.url && (
        <UnstyledButton onClick={onView} aria-label={`Open photo ${name}`} className="pv-media-previewButton">
          <img src={source.url} alt={alt} className="pv-media-preview" />
        </UnstyledButton>
      )}
      {state === 'ready' && !source?.url && (
        <Box className="pv-media-placeholder">
          <IconPhoto size={32} aria-hidden />
          <Text size="xs" c="dimmed">
            Photo saved on this device; the preview isn&apos;t available in this version.
          </Text>
        </Box>
      )}
      <MediaStateNote media={media} fetchError={error} onRetry={load} />
    </Box>
  );
}
