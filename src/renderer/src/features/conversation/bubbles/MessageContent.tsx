import { Stack, Text } from '@mantine/core';
import type { ThreadMessage } from '#contract/ipc/contract';
import { safeLabel } from '../../../components/FormattedText';
import { AudioContent } from './AudioContent';
import { ContactsContent } from './ContactsContent';
import { DocumentContent } from './DocumentContent';
import { ImageContent } from './ImageContent';
import { InteractiveContent } from './InteractiveContent';
import { InteractiveMessageContent } from './InteractiveMessageContent';
import { LocationContent } from './LocationContent';
import { OrderContent } from './OrderContent';
import { StickerContent } from './StickerContent';
import { TemplateContent } from './TemplateContent';
import { TextContent } from './TextContent';
import { UnsupportedContent } from './UnsupportedContent';
import { VideoContent } from './VideoContent';

/** Props of {@link MessageContent}. */
export interface MessageContentProps {
  message: ThreadMessage;
  /** Opens an image or video in the viewer. */
  onView(): void;
}

/** A message that arrived without the part its type promises (a malformed row): said, not hidden. */
function Missing({ what }: { what: string }) {
  return (
    <Text size="sm" c="dimmed">
      {what} (details missing)
    </Text>
  );
}

/** The body of a message, by type: one component per WhatsApp message type. */
export function MessageContent({ message: m, onView }: MessageContentProps) {
  const caption = m.caption ? <TextContent text={m.caption} /> : null;
  switch (m.type) {
    case 'text':
      return <TextContent text={m.text ?? ''} />;
    case 'image':
      return m.media ? (
        <Stack gap={4}>
          <ImageContent media={m.media} caption={m.caption} onView={onView} />
          {caption}
        </Stack>
      ) : (
        <Missing what="Photo" />
      );
    case 'video':
      return m.media ? (
        <Stack gap={4}>
          <VideoContent media={m.media} onView={onView} />
          {caption}
        </Stack>
      ) : (
        <Missing what="Video" />
      );
    case 'audio':
      return m.media ? <AudioContent media={m.media} /> : <Missing what="Audio" />;
    case 'document':
      return m.media ? (
        <Stack gap={4}>
          <DocumentContent media={m.media} />
          {caption}
        </Stack>
      ) : (
        <Missing what="Document" />
      );
    case 'sticker':
      return m.media ? <StickerContent media={m.media} /> : <Missing what="Sticker" />;
    case 'location':
      return m.location ? <LocationContent location={m.location} /> : <Missing what="Location" />;
    case 'contacts':
      return m.contacts && m.contacts.length > 0 ? (
        <ContactsContent contacts={m.contacts} />
      ) : (
        <Missing what="Contact card" />
      );
    case 'interactive':
    case 'button':
      if (m.interactiveMessage) return <InteractiveMessageContent message={m.interactiveMessage} />;
      return m.interactive ? (
        <InteractiveContent reply={m.interactive} />
      ) : (
        <TextContent text={m.text ?? 'Button reply'} />
      );
    case 'template':
      return m.template ? <TemplateContent template={m.template} /> : <Missing what="Template" />;
    case 'order':
      return <OrderContent extra={m.extra} text={m.text} />;
    case 'reaction':
      return (
        <Text size="sm" c="dimmed">
          {m.reaction?.emoji
            ? `Reacted ${safeLabel(m.reaction.emoji, 16)} to a message that isn't loaded`
            : 'Removed a reaction'}
        </Text>
      );
    case 'system':
      return (
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {safeLabel(m.text ?? (typeof m.extra?.body === 'string' ? m.extra.body : null), 500) ||
            'WhatsApp notice'}
        </Text>
      );
    case 'unsupported':
      return <UnsupportedContent extra={m.extra} />;
  }
}
