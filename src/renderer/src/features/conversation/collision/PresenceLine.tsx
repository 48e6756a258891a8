import { Group, Text } from '@mantine/core';
import { IconEye, IconPencil } from '@tabler/icons-react';

/** Props of {@link PresenceLine}. */
export interface PresenceLineProps {
  /** Names of those typing now, and of those only viewing. */
  typing: readonly string[];
  viewing: readonly string[];
}

/** "Ben and Cy" / "Ben, Cy and 2 others". */
export function namesSentence(names: readonly string[]): string {
  if (names.length <= 2) return names.join(' and ');
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others`;
}

/**
 * The header's line about teammates in this conversation: who is typing and who is viewing
 * (nothing when alone). Plain text, so it reads the same to everyone.
 */
export function PresenceLine({ typing, viewing }: PresenceLineProps) {
  if (typing.length === 0 && viewing.length === 0) return null;
  const verb = (names: readonly string[], one: string, many: string) => (names.length === 1 ? one : many);
  return (
    <Group gap="sm" wrap="nowrap" data-testid="presence-line">
      {typing.length > 0 && (
        <Group gap={4} wrap="nowrap" miw={0}>
          <IconPencil size={14} aria-hidden />
          <Text size="sm" fw={600} c="var(--mantine-primary-color-text)" lineClamp={1}>
            {namesSentence(typing)} {verb(typing, 'is', 'are')} typing…
          </Text>
        </Group>
      )}
      {viewing.length > 0 && (
        <Group gap={4} wrap="nowrap" miw={0}>
          <IconEye size={14} aria-hidden />
          <Text size="sm" c="dimmed" lineClamp={1}>
            {namesSentence(viewing)} {verb(viewing, 'is', 'are')} viewing
          </Text>
        </Group>
      )}
    </Group>
  );
}
