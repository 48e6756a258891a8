import { Box, Button, Group, Text } from '@mantine/core';
import { IconDownload, IconExternalLink, IconFileText } from '@tabler/icons-react';
import type { MessageMedia } from '#contract/api/messages';
import { formatBytes } from '../../../components/format';
import { safeLabel } from '../../../components/FormattedText';
import { useMediaActions } from '../useMediaActions';
import { MediaStateNote } from './MediaStateNote';

/** Props of {@link DocumentContent}. */
export interface DocumentContentProps {
  media: MessageMedia;
}

/** The extension as shown ("PDF"), from the file name or the MIME type. */
function kindOf(media: MessageMedia, name: string): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/u.exec(name)?.[1];
  if (ext) return ext.toUpperCase();
  const sub = media.mimeType.split('/')[1];
  return sub ? sub.split(/[.+-]/u).pop()!.toUpperCase().slice(0, 8) : 'FILE';
}

/**
 * A document: icon, name (bidi controls removed, so `invoice‮fdp.exe` cannot pose as a PDF),
 * type and size, with Open and Save.
 */
export function DocumentContent({ media }: DocumentContentProps) {
  const name = safeLabel(media.fileName, 120) || 'Document';
  const { open, save, busy, error } = useMediaActions(media.id, name);
  const isReady = media.state === 'ready';
  return (
    <Box miw={220}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <IconFileText size={32} aria-hidden style={{ flex: 'none' }} />
        <Box miw={0}>
          <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }} title={name}>
            {name}
          </Text>
          <Text size="xs" c="dimmed">
            {kindOf(media, name)} · {formatBytes(media.size)}
          </Text>
        </Box>
      </Group>
      <Group gap="xs" mt={6}>
        <Button
          size="compact-sm"
          variant="light"
          leftSection={<IconExternalLink size={14} aria-hidden />}
          onClick={() => void open()}
          loading={busy === 'open'}
          disabled={!isReady}
          aria-label={`Open ${name}`}
        >
          Open
        </Button>
        <Button
          size="compact-sm"
          variant="light"
          leftSection={<IconDownload size={14} aria-hidden />}
          onClick={() => void save()}
          loading={busy === 'save'}
          disabled={!isReady}
          aria-label={`Save ${name}`}
        >
          Save
        </Button>
      </Group>
      {error && (
        <Text size="xs" mt={4} role="alert">
          {error}
        </Text>
      )}
      <MediaStateNote media={media} fetchError={null} onRetry={() => undefined} />
    </Box>
  );
}
