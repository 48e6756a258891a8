import { Button, Chip, Group, Popover, Stack, Text, TextInput } from '@mantine/core';
import { IconChevronDown, IconTag } from '@tabler/icons-react';
import { useState } from 'react';
import { UpdateConversationBody } from '#contract/api/conversations';
import type { BulkAction } from './bulk-actions';

/** One label as the contract takes it (trimmed, 1–50 characters). */
const LabelSchema = UpdateConversationBody.shape.labels.unwrap().element;

/** Props of {@link LabelsPopover}. */
export interface LabelsPopoverProps {
  knownLabels: readonly string[];
  checkedLabels: readonly string[];
  onAction(action: BulkAction): void;
}

/**
 * Add or remove one label on every checked conversation: type it (or pick one the list uses),
 * then **Add** or **Remove**. The label set of each conversation is computed from its own row,
 * so other labels stay.
 */
export function LabelsPopover({ knownLabels, checkedLabels, onAction }: LabelsPopoverProps) {
  const [opened, setOpened] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const suggestions = [...new Set([...checkedLabels, ...knownLabels])].slice(0, 12);

  const apply = (kind: 'addLabel' | 'removeLabel') => {
    const parsed = LabelSchema.safeParse(value);
    if (!parsed.success) {
      setError(value.trim() ? 'A label has at most 50 characters.' : 'Type or pick a label.');
      return;
    }
    onAction({ kind, label: parsed.data });
    setOpened(false);
    setValue('');
    setError(null);
  };

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-start" withinPortal shadow="md" trapFocus>
      <Popover.Target>
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconTag size={14} aria-hidden />}
          rightSection={<IconChevronDown size={12} aria-hidden />}
          onClick={() => setOpened((o) => !o)}
          aria-expanded={opened}
        >
          Labels
        </Button>
      </Popover.Target>
      <Popover.Dropdown w={280} role="dialog" aria-label="Add or remove a label">
        <Stack gap="xs">
          <TextInput
            label="Label"
            size="xs"
            value={value}
            error={error}
            onChange={(e) => {
              setValue(e.currentTarget.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                apply('addLabel');
              }
            }}
          />
          {suggestions.length > 0 && (
            <>
              <Text size="xs" c="dimmed">
                In use
              </Text>
              <Group gap={4}>
                {suggestions.map((l) => (
                  <Chip key={l} size="xs" checked={value === l} onChange={() => setValue(l)}>
                    {l}
                  </Chip>
                ))}
              </Group>
            </>
          )}
          <Group gap="xs" justify="flex-end">
            <Button size="compact-sm" variant="default" onClick={() => apply('removeLabel')}>
              Remove
            </Button>
            <Button size="compact-sm" onClick={() => apply('addLabel')}>
              Add
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
