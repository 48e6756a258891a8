import {
  ActionIcon,
  Alert,
  Box,
  Button,
  FileButton,
  Group,
  Modal,
  Paper,
  Progress,
  ScrollArea,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { IconFileText, IconMovie, IconMusic, IconPaperclip, IconPhoto, IconTrash } from '@tabler/icons-react';
import { useEffect } from 'react';
import { WHATSAPP_LIMITS } from '#contract/domain/messaging';
import { useSyncStatus } from '../../../api';
import { formatBytes } from '../../../components/format';
import { ACCEPT_ATTRIBUTE, ACCEPTED_SUMMARY } from '../media-limits';
import { CAPTIONED, type DraftFile, type MediaDraft } from './useMediaDraft';

/** Props of {@link MediaComposer}. */
export interface MediaComposerProps {
  opened: boolean;
  draft: MediaDraft;
  conversationId: string;
  /** The message being replied to (the first file carries the quote). */
  replyToMessageId?: string;
  /** All files were queued. */
  onSent(): void;
  onClose(): void;
}

const ICONS = {
  image: IconPhoto,
  video: IconMovie,
  audio: IconMusic,
  document: IconFileText,
  sticker: IconPhoto,
};

const PHASE_TEXT: Record<DraftFile['phase'], string> = {
  ready: '',
  reading: 'Reading the file…',
  staging: 'Keeping it on this device…',
  sending: 'Queueing…',
  queued: 'Waiting to upload…',
  uploading: 'Uploading…',
  uploaded: 'Sent to the server',
  error: '',
};

/** One file: preview, name and size, caption (≤ 1024), progress or why it was refused. */
function FileRow({ item, draft }: { item: DraftFile; draft: MediaDraft }) {
  const Icon = item.check.ok ? ICONS[item.check.type] : IconFileText;
  const captionTooLong = item.caption.length > WHATSAPP_LIMITS.captionMaxChars;
  const isBusy = item.phase === 'reading' || item.phase === 'staging' || item.phase === 'sending';
  const isUpload = item.phase === 'queued' || item.phase === 'uploading' || item.phase === 'uploaded';
  return (
    <Paper withBorder p="xs" radius="md" aria-label={item.name} component="li" style={{ listStyle: 'none' }}>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <Box
          w={96}
          h={96}
          style={{
            flex: 'none',
            display: 'grid',
            placeItems: 'center',
            overflow: 'hidden',
            borderRadius: 'var(--mantine-radius-sm)',
            background: 'var(--mantine-color-default-hover)',
          }}
        >
          {item.previewUrl ? (
            <img
              src={item.previewUrl}
              alt={`Preview of ${item.name}`}
              style={{ width: '100%', height: '100%', objectFit: 'cover' }}
            />
          ) : (
            <Icon size={36} aria-hidden />
          )}
        </Box>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Box miw={0}>
              <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                {item.name}
              </Text>
              <Text size="xs" c="dimmed">
                {item.check.ok ? `${item.check.type[0]!.toUpperCase()}${item.check.type.slice(1)} · ` : ''}
                {formatBytes(item.file.size)}
              </Text>
            </Box>
            <ActionIcon
              variant="subtle"
              color="gray"
              onClick={() => draft.remove(item.key)}
              aria-label={`Remove ${item.name}`}
              disabled={isBusy || isUpload}
            >
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
          {!item.check.ok ? (
            <Text size="sm" role="alert" c="var(--mantine-color-error)">
              {item.check.reason}
            </Text>
          ) : CAPTIONED.has(item.check.type) ? (
            <Textarea
              label={`Caption for ${item.name}`}
              placeholder="Add a caption (optional)"
              autosize
              minRows={1}
              maxRows={4}
              value={item.caption}
              onChange={(e) => draft.setCaption(item.key, e.currentTarget.value)}
              readOnly={isUpload}
              error={
                captionTooLong
                  ? `Captions are limited to ${WHATSAPP_LIMITS.captionMaxChars} characters (${item.caption.length} now)`
                  : undefined
              }
              description={
                item.caption.length > WHATSAPP_LIMITS.captionMaxChars - 100 && !captionTooLong
                  ? `${WHATSAPP_LIMITS.captionMaxChars - item.caption.length} characters left`
                  : undefined
              }
              disabled={isBusy}
            />
          ) : (
            <Text size="xs" c="dimmed">
              WhatsApp shows no caption on {item.check.type === 'audio' ? 'audio' : 'stickers'}.
            </Text>
          )}
          {isBusy && (
            <Box>
              <Progress
                value={item.phase === 'reading' ? Math.round(item.progress * 100) : 100}
                animated={item.phase !== 'reading'}
                size="sm"
                aria-label={`Progress for ${item.name}`}
              />
              <Text size="xs" c="dimmed">
                {PHASE_TEXT[item.phase]}
              </Text>
            </Box>
          )}
          {isUpload && (
            <Box>
              <Progress
                value={Math.round(item.progress * 100)}
                animated={item.phase === 'queued'}
                striped={item.phase === 'queued'}
                size="sm"
                aria-label={`Upload of ${item.name}`}
              />
              <Text size="xs" c="dimmed">
                {item.phase === 'uploading'
                  ? `Uploading… ${Math.round(item.progress * 100)}%`
                  : PHASE_TEXT[item.phase]}
              </Text>
            </Box>
          )}
          {item.phase === 'error' && item.error && (
            <Text size="sm" role="alert" c="var(--mantine-color-error)">
              {item.error}
            </Text>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}

/**
 * **Send files**: previews (image thumbnails, a video's poster frame, a document icon with name
 * and size), a caption per file, WhatsApp's type and size limits checked before anything is
 * staged, and progress while each file is handed to the core, which keeps it on this device and
 * uploads it when online. Once queued the dialog says "Sending 2 files…" and draws each file's
 * upload from the core's `media:progress`, closing itself when the server has them all (Hide
 * leaves the uploads running).
 */
export function MediaComposer({
  opened,
  draft,
  conversationId,
  replyToMessageId,
  onSent,
  onClose,
}: MediaComposerProps) {
  const sync = useSyncStatus();
  const accepted = draft.items.filter((i) => i.check.ok);
  const hasCaptionError = draft.items.some((i) => i.caption.length > WHATSAPP_LIMITS.captionMaxChars);
  const ready = accepted.filter((i) => i.phase === 'ready' || i.phase === 'error');
  // Files on their way (staging, queued, uploading): the count the title and button name.
  const inFlight = draft.items.filter((i) => i.phase !== 'ready' && i.phase !== 'error').length;
  const isBusy = draft.isSending || draft.isDelivering;
  const canSend = ready.length > 0 && !hasCaptionError && !isBusy;
  const sendingLabel = inFlight === 1 ? 'Sending 1 file…' : `Sending ${inFlight} files…`;
  const handleSend = async () => {
    if (await draft.send(conversationId, replyToMessageId)) onSent();
  };
  // Every file reached the server: the dialog's work is done.
  const allUploaded = draft.items.length > 0 && draft.items.every((i) => i.phase === 'uploaded');
  useEffect(() => {
    if (allUploaded) draft.clear();
  }, [allUploaded, draft]);
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={() => {
        if (!draft.isSending) onClose();
      }}
      title={isBusy ? sendingLabel : 'Send files'}
      size="lg"
      scrollAreaComponent={ScrollArea.Autosize}
    >
      <Stack gap="sm">
        {sync.state === 'offline' && (
          <Alert color="blue" p="xs">
            <Text size="sm">
              You&apos;re offline: the files stay on this device and are sent when Parley reconnects.
            </Text>
          </Alert>
        )}
        {draft.notice && (
          <Text size="sm" role="status">
            {draft.notice}
          </Text>
        )}
        <Stack component="ul" gap="xs" p={0} m={0} aria-label="Files to send">
          {draft.items.map((item) => (
            <FileRow key={item.key} item={item} draft={draft} />
          ))}
        </Stack>
        <Text size="xs" c="dimmed">
          {ACCEPTED_SUMMARY}
        </Text>
        <Group justify="space-between">
          <FileButton onChange={(files) => draft.add(files)} multiple accept={ACCEPT_ATTRIBUTE}>
            {(props) => (
              <Button
                {...props}
                variant="default"
                leftSection={<IconPaperclip size={16} aria-hidden />}
                disabled={isBusy}
              >
                Add more files
              </Button>
            )}
          </FileButton>
          {draft.isDelivering ? (
            <Group gap="xs">
              <Text size="xs" c="dimmed" maw={260}>
                Hiding this keeps the uploads going; the Outbox shows them.
              </Text>
              <Button variant="default" onClick={onClose}>
                Hide
              </Button>
            </Group>
          ) : (
            <Group gap="xs">
              <Button variant="default" onClick={onClose} disabled={draft.isSending}>
                Cancel
              </Button>
              <Button onClick={() => void handleSend()} disabled={!canSend} loading={draft.isSending}>
                {draft.isSending
                  ? sendingLabel
                  : ready.length === 1
                    ? 'Send 1 file'
                    : `Send ${ready.length} files`}
              </Button>
            </Group>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
