import { Button, Center, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconDownload, IconExternalLink } from '@tabler/icons-react';
import type { ThreadMessage } from '#contract/ipc/contract';
import { safeLabel } from '../../../components/FormattedText';
import { TextContent } from '../bubbles/TextContent';
import { useMediaActions } from '../useMediaActions';
import { useMediaSource } from '../useMediaSource';

/** Props of {@link MediaViewer}. */
export interface MediaViewerProps {
  /** The image or video message to show; null closes the viewer. */
  message: ThreadMessage | null;
  onClose(): void;
}

/** The viewer's body (mounted only while open, so the file is fetched then). */
function ViewerBody({ message }: { message: ThreadMessage }) {
  const media = message.media!;
  const name = safeLabel(media.fileName) || (message.type === 'video' ? 'video' : 'photo');
  const { state, source, error, load } = useMediaSource(media.id, true);
  const actions = useMediaActions(media.id, name);
  return (
    <Stack gap="sm">
      <Center mih={200}>
        {state === 'loading' && <Loader aria-label="Loading" />}
        {state === 'error' && (
          <Stack align="center" gap="xs">
            <Text size="sm">{error}</Text>
            <Button size="xs" variant="default" onClick={load}>
              Try again
            </Button>
          </Stack>
        )}
        {state === 'ready' && source?.url && message.type === 'video' && (
          <video
            src={source.url}
            controls
            autoPlay
            style={{ maxWidth: '100%', maxHeight: '70vh' }}
            aria-label={`Video ${name}`}
          />
        )}
        {state === 'ready' && source?.url && message.type !== 'video' && (
          <img
            src={source.url}
            alt={message.caption ? `Photo: ${safeLabel(message.caption, 120)}` : `Photo ${name}`}
            style={{ maxWidth: '100%', maxHeight: '70vh', objectFit: 'contain' }}
          />
        )}
        {state === 'ready' && !source?.url && (
          <Text size="sm" c="dimmed">
            The file is saved on this device, but this version of Parley can&apos;t show it here.
          </Text>
        )}
      </Center>
      {message.caption && <TextContent text={message.caption} />}
      <Group justify="flex-end" gap="xs">
        {actions.error && (
          <Text size="sm" role="alert">
            {actions.error}
          </Text>
        )}
        <Button
          variant="default"
          leftSection={<IconExternalLink size={16} aria-hidden />}
          onClick={() => void actions.open()}
          loading={actions.busy === 'open'}
        >
          Open
        </Button>
        <Button
          leftSection={<IconDownload size={16} aria-hidden />}
          onClick={() => void actions.save()}
          loading={actions.busy === 'save'}
        >
          Save
        </Button>
      </Group>
    </Stack>
  );
}

/** The image and video viewer. */
export function MediaViewer({ message, onClose }: MediaViewerProps) {
  const title = message?.media
    ? safeLabel(message.media.fileName) || (message.type === 'video' ? 'Video' : 'Photo')
    : '';
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={!!message?.media}
      onClose={onClose}
      title={title}
      size="xl"
      centered
    >
      {message?.media && <ViewerBody message={message} />}
    </Modal>
  );
}
