import { Badge, Group, Paper, Text, UnstyledButton } from '@mantine/core';
import type { CannedPickerState } from './useCannedPicker';

/** Props of {@link CannedPicker}. */
export interface CannedPickerProps {
  /** The listbox's id (the message box's `aria-controls`). */
  id: string;
  /** Option ids are `${id}-${index}` (the message box's `aria-activedescendant`). */
  picker: CannedPickerState;
}

/** The id of option `i` of the listbox `id`. */
export const cannedOptionId = (id: string, i: number) => `${id}-${i}`;

/**
 * The "/" picker's list, above the message box: a listbox whose options name their shortcut
 * and title. Focus stays in the message box (the active option is its `aria-activedescendant`),
 * so typing keeps filtering; a click inserts too.
 */
export function CannedPicker({ id, picker }: CannedPickerProps) {
  if (!picker.open) return null;
  return (
    <Paper
      withBorder
      shadow="sm"
      p={4}
      id={id}
      role="listbox"
      aria-label="Canned responses"
      style={{ maxHeight: 260, overflowY: 'auto' }}
    >
      {picker.options.map((c, i) => {
        const selected = i === picker.activeIndex;
        return (
          <UnstyledButton
            key={c.id}
            id={cannedOptionId(id, i)}
            role="option"
            aria-selected={selected}
            tabIndex={-1}
            // Keep focus (and the caret) in the message box.
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => picker.setActive(i)}
            onClick={() => picker.choose(c)}
            w="100%"
            px="xs"
            py={6}
            style={{
              display: 'block',
              borderRadius: 'var(--mantine-radius-sm)',
              background: selected ? 'var(--mantine-color-default-hover)' : undefined,
            }}
          >
            <Group gap="xs" wrap="nowrap">
              <Badge variant="light" tt="none" style={{ flex: 'none' }}>
                /{c.shortcut}
              </Badge>
              <Text size="sm" fw={600} truncate style={{ flex: 'none', maxWidth: '40%' }}>
                {c.title}
              </Text>
              <Text size="sm" c="dimmed" truncate style={{ minWidth: 0 }}>
                {picker.preview(c)}
              </Text>
              {c.scope === 'personal' && (
                <Text size="xs" c="dimmed" style={{ flex: 'none', marginInlineStart: 'auto' }}>
                  Mine
                </Text>
              )}
            </Group>
          </UnstyledButton>
        );
      })}
    </Paper>
  );
}
