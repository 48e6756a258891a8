import { Chip, ColorSwatch, Group } from '@mantine/core';
import { IconHourglassHigh, IconStar, IconMailOpened, IconTag } from '@tabler/icons-react';
import { memo } from 'react';

/** Props of {@link QuickFilters}. */
export interface QuickFiltersProps {
  unread: boolean;
  important: boolean;
  label: string | null;
  /** Labels to offer (most used first). */
  labels: readonly string[];
  /** The organization's labels' colours (Mantine palette names), by name. */
  colors?: Readonly<Record<string, string>>;
  onToggleUnread(): void;
  onToggleImportant(): void;
  onLabel(label: string | null): void;
  /** The "Waiting longest" sort (absent: no chip). */
  waiting?: boolean;
  onToggleWaiting?(): void;
}

/**
 * Quick filters as toggle chips: Unread, Important, and one per label (at most one label at a
 * time), in the label's colour when the organization defined it. Each chip is a checkbox named
 * by its words.
 */
export const QuickFilters = memo(function QuickFilters({
  unread,
  important,
  label,
  labels,
  colors = {},
  onToggleUnread,
  onToggleImportant,
  onLabel,
  waiting = false,
  onToggleWaiting,
}: QuickFiltersProps) {
  return (
    <Group gap={6} role="group" aria-label="Filters" wrap="wrap">
      <Chip
        size="xs"
        checked={unread}
        onChange={onToggleUnread}
        icon={<IconMailOpened size={12} aria-hidden />}
      >
        Unread
      </Chip>
      <Chip
        size="xs"
        checked={important}
        onChange={onToggleImportant}
        icon={<IconStar size={12} aria-hidden />}
      >
        Important
      </Chip>
      {onToggleWaiting && (
        <Chip
          size="xs"
          checked={waiting}
          onChange={onToggleWaiting}
          icon={<IconHourglassHigh size={12} aria-hidden />}
        >
          Waiting longest
        </Chip>
      )}
      {labels.map((l) => (
        <Chip
          key={l}
          size="xs"
          variant="outline"
          color={colors[l]}
          checked={label === l}
          onChange={() => onLabel(label === l ? null : l)}
          icon={<IconTag size={12} aria-hidden />}
        >
          {colors[l] && (
            // The label's colour also while unchecked (an outline chip shows it only when checked).
            <ColorSwatch
              component="span"
              size={8}
              color={`var(--mantine-color-${colors[l]}-filled)`}
              withShadow={false}
              aria-hidden
              mr={6}
              style={{ display: 'inline-block', verticalAlign: 'middle' }}
            />
          )}
          {l}
        </Chip>
      ))}
    </Group>
  );
});
