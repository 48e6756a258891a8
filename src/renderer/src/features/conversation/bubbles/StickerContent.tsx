import { Box, Skeleton } from '@mantine/core';
import type { MessageMedia } from '#contract/api/messages';
import { useMediaSource } from '../useMediaSource';
import { MediaStateNote } from './MediaStateNote';
import './bubbles.css';

/** Props of {@link StickerContent}. */
export interface StickerContentProps {
  media: MessageMedia;
}

/** A sticker, shown at sticker size without a frame. */
export function StickerContent({ media }: StickerContentProps) {
  const { state, source, error, load } = useMediaSource(media.id, media.state === 'ready');
  const alt = media.animated ? 'Animated sticker' : 'Sticker';
  return (
    <Box>
      {state === 'loading' && <Skeleton className="pv-media-sticker" aria-label="Loading sticker" />}
      {state === 'ready' && source?.url && <img src={source.url} alt={alt} className="pv-media-sticker" />}
      {(state === 'idle' || (state === 'ready' && !source?.url)) && (
        <Box
          className="pv-media-sticker"
          role="img"
          aria-label={alt}
          style={{ display: 'grid', placeItems: 'center', fontSize: 48 }}
        >
          <span aria-hidden>🖼️</span>
        </Box>
      )}
      <MediaStateNote media={media} fetchError={error} onRetry={load} />
    </Box>
  );
}
