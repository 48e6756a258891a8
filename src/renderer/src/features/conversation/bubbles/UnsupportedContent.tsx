import { Group, Text } from '@mantine/core';
import { IconQuestionMark } from '@tabler/icons-react';
import { safeLabel } from '../../../components/FormattedText';

/** The sentence shown for messages WhatsApp's API cannot describe. */
export const UNSUPPORTED_SENTENCE =
  "This message type isn't supported by WhatsApp's API (e.g. polls); ask the customer to resend it another way.";

/** Props of {@link UnsupportedContent}. */
export interface UnsupportedContentProps {
  /** `extra` of the message: may name the original type (`poll_creation`, `edit`…). */
  extra?: Record<string, unknown> | null;
}

/** A message WhatsApp did not pass on, explained. */
export function UnsupportedContent({ extra }: UnsupportedContentProps) {
  const raw =
    extra?.unsupportedType ?? extra?.type ?? (extra?.unsupported as { type?: unknown } | undefined)?.type;
  const kind = typeof raw === 'string' ? safeLabel(raw, 40) : null;
  return (
    <Group gap={6} wrap="nowrap" align="flex-start">
      <IconQuestionMark size={18} aria-hidden style={{ flex: 'none' }} />
      <div>
        <Text size="sm">{UNSUPPORTED_SENTENCE}</Text>
        {kind && (
          <Text size="xs" c="dimmed">
            WhatsApp called it “{kind}”.
          </Text>
        )}
      </div>
    </Group>
  );
}
