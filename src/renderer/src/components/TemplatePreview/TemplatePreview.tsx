import { Badge, Box, Divider, Group, Stack, Text } from '@mantine/core';
import {
  IconCopy,
  IconCornerDownLeft,
  IconExternalLink,
  IconFileText,
  IconMapPin,
  IconMovie,
  IconPhone,
  IconPhoto,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { FormattedText } from '../FormattedText';
import type { TemplateFields } from './template-params';

/** Props of {@link TemplatePreview}. */
export interface TemplatePreviewProps {
  /** What the template is made of. */
  fields: TemplateFields;
  /** The header text with its variable filled in (text headers). */
  headerText?: string;
  /** The body with its variables filled in (unfilled ones stay `{{x}}`). */
  bodyText: string;
  /** A preview of the media header (a thumbnail), or null for the placeholder. */
  headerMedia?: ReactNode;
  /** The name of the media header's file, when chosen. */
  headerMediaName?: string | null;
}

const MEDIA_ICON = { image: IconPhoto, video: IconMovie, document: IconFileText } as const;

/**
 * A template as the customer will see it in WhatsApp: header, body with formatting, footer and
 * buttons. Used by the template picker's live preview and by template bubbles in the thread.
 */
export function TemplatePreview({
  fields,
  headerText,
  bodyText,
  headerMedia,
  headerMediaName,
}: TemplatePreviewProps) {
  const { header } = fields;
  let headerNode: ReactNode = null;
  if (header.kind === 'text' && (headerText ?? header.text)) {
    headerNode = (
      <Text fw={700} size="sm" style={{ overflowWrap: 'anywhere' }}>
        {headerText ?? header.text}
      </Text>
    );
  } else if (header.kind === 'media') {
    const Icon = MEDIA_ICON[header.mediaType];
    headerNode = headerMedia ?? (
      <Group
        gap={6}
        justify="center"
        p="sm"
        style={{ borderRadius: 'var(--mantine-radius-sm)', background: 'var(--mantine-color-default-hover)' }}
      >
        <Icon size={20} aria-hidden />
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {headerMediaName ?? `${header.mediaType[0]!.toUpperCase()}${header.mediaType.slice(1)} header`}
        </Text>
      </Group>
    );
  } else if (header.kind === 'location') {
    headerNode = (
      <Group gap={6}>
        <IconMapPin size={18} aria-hidden />
        <Text size="xs" c="dimmed">
          Location header
        </Text>
      </Group>
    );
  }
  const buttons = fields.buttons;
  return (
    <Stack gap={6}>
      {headerNode}
      <Text size="sm" component="div">
        <FormattedText text={bodyText} />
      </Text>
      {fields.footer && (
        <Text size="xs" c="dimmed">
          {fields.footer}
        </Text>
      )}
      {buttons.length > 0 && (
        <Box>
          <Divider mb={4} />
          <Group gap={6}>
            {buttons.map((b) => {
              const Icon =
                b.kind === 'url'
                  ? IconExternalLink
                  : b.kind === 'phone'
                    ? IconPhone
                    : b.kind === 'copy_code'
                      ? IconCopy
                      : IconCornerDownLeft;
              return (
                <Badge
                  key={b.index}
                  variant="default"
                  tt="none"
                  fw={500}
                  leftSection={<Icon size={12} aria-hidden />}
                  styles={{ label: { overflow: 'visible' } }}
                >
                  {b.text}
                </Badge>
              );
            })}
          </Group>
        </Box>
      )}
    </Stack>
  );
}
