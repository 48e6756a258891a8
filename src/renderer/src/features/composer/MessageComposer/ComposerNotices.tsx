import { Alert, Badge, Button, Group, Text } from '@mantine/core';
import { IconClockHour4, IconNote, IconTemplate } from '@tabler/icons-react';

/** The sentence shown when free text is not allowed. */
export const WINDOW_CLOSED_SENTENCE =
  'The 24-hour reply window has closed. WhatsApp only allows approved templates until the customer writes again.';

/** The sentence shown when the contact opted out. */
export const OPTED_OUT_SENTENCE = "This contact opted out of messages; Parley won't send to them.";

/** Props of {@link ComposerNotices}. */
export interface ComposerNoticesProps {
  /** Only templates may go (the 24-hour window has closed, in reply mode). */
  isClosed: boolean;
  /** The contact opted out (in reply mode). */
  isBlocked: boolean;
  isNote: boolean;
  /** Id given to the reason's sentence, which the disabled controls are described by. */
  reasonId: string;
  /** Opens the template picker (from the closed-window notice). */
  onChooseTemplate(): void;
}

/**
 * What stands above the message box: why free-form content is refused (with **Choose a
 * template** beside the closed-window reason), or the **Internal note** badge in Note mode.
 */
export function ComposerNotices({
  isClosed,
  isBlocked,
  isNote,
  reasonId,
  onChooseTemplate,
}: ComposerNoticesProps) {
  return (
    <>
      {isClosed && (
        <Alert color="gray" p="xs" icon={<IconClockHour4 size={18} aria-hidden />}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="sm" id={reasonId}>
              {WINDOW_CLOSED_SENTENCE}
            </Text>
            <Button
              size="compact-sm"
              leftSection={<IconTemplate size={14} aria-hidden />}
              onClick={onChooseTemplate}
              style={{ flex: 'none' }}
            >
              Choose a template
            </Button>
          </Group>
        </Alert>
      )}
      {isBlocked && (
        <Alert color="red" p="xs">
          <Text size="sm" id={reasonId}>
            {OPTED_OUT_SENTENCE}
          </Text>
        </Alert>
      )}
      {isNote && (
        <Group gap={6}>
          <Badge
            color="yellow"
            variant="filled"
            tt="none"
            c="var(--mantine-color-black)"
            leftSection={<IconNote size={12} aria-hidden />}
          >
            Internal note
          </Badge>
          <Text size="xs">Only your team sees notes; they are never sent to WhatsApp.</Text>
        </Group>
      )}
    </>
  );
}
