import {
  ActionIcon,
  Badge,
  Button,
  ColorSwatch,
  Group,
  Modal,
  Popover,
  TagsInput,
  Text,
} from '@mantine/core';
import { IconTag } from '@tabler/icons-react';
import { useState } from 'react';
import { useLabels } from '../../../api';
import { safeLabel } from '../../../components/FormattedText';

/** Props of {@link LabelsEditor}. */
export interface LabelsEditorProps {
  labels: string[];
  /** Labels seen elsewhere, offered as suggestions. */
  suggestions?: string[];
  onChange(labels: string[]): void;
}

/** The organization's labels (from the replica, so offline too) and their colours. */
function useLabelColors() {
  const defined = useLabels() ?? [];
  return { defined, colorOf: new Map(defined.map((l) => [l.name.toLowerCase(), l.color])) };
}

/** The labels being edited (Enter or comma adds), with Cancel and Save; starts from `labels`. */
function LabelsForm({
  labels,
  suggestions,
  onCancel,
  onSave,
  withinPortal,
}: {
  labels: string[];
  suggestions: string[];
  onCancel(): void;
  onSave(labels: string[]): void;
  /** The suggestions' dropdown in a portal (in a modal) or in place (in a popover). */
  withinPortal: boolean;
}) {
  const [draft, setDraft] = useState<string[]>(labels);
  const { defined, colorOf } = useLabelColors();
  const offered = [...new Set([...defined.map((l) => l.name), ...suggestions])];
  return (
    <>
      <TagsInput
        label="Labels"
        description="Enter or comma adds a label"
        value={draft}
        onChange={(next) =>
          setDraft(
            next
              .map((l) => l.trim().slice(0, 50))
              .filter(Boolean)
              .slice(0, 50),
          )
        }
        data={offered.filter((s) => !draft.includes(s))}
        renderOption={({ option }) => (
          <Group gap={6} wrap="nowrap">
            <ColorSwatch
              size={10}
              color={`var(--mantine-color-${colorOf.get(option.value.toLowerCase()) ?? 'gray'}-filled)`}
              aria-hidden
            />
            {option.value}
          </Group>
        )}
        clearable
        maxTags={50}
        splitChars={[',']}
        comboboxProps={{ withinPortal }}
        data-autofocus
      />
      <Group justify="flex-end" mt="sm">
        <Button variant="default" size="xs" onClick={onCancel}>
          Cancel
        </Button>
        <Button size="xs" onClick={() => onSave(draft)}>
          Save labels
        </Button>
      </Group>
    </>
  );
}

/**
 * The labels editor as a dialog, for when the header has no room for {@link LabelsEditor}
 * (opened from its "More actions" menu).
 */
export function LabelsDialog({
  opened,
  onClose,
  labels,
  suggestions = [],
  onChange,
}: LabelsEditorProps & { opened: boolean; onClose(): void }) {
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={onClose}
      title="Labels"
      size="sm"
    >
      <LabelsForm
        labels={labels}
        suggestions={suggestions}
        withinPortal
        onCancel={onClose}
        onSave={(next) => {
          onClose();
          onChange(next);
        }}
      />
    </Modal>
  );
}

/** The conversation's labels as badges, edited in a popover (Enter or comma adds; ≤ 50 characters each). */
export function LabelsEditor({ labels, suggestions = [], onChange }: LabelsEditorProps) {
  const [opened, setOpened] = useState(false);
  const { colorOf } = useLabelColors();
  return (
    <Group gap={4} wrap="nowrap" miw={0}>
      {labels.slice(0, 4).map((l) => (
        <Badge
          key={l}
          variant={colorOf.has(l.toLowerCase()) ? 'light' : 'default'}
          color={colorOf.get(l.toLowerCase())}
          size="sm"
          tt="none"
          fw={500}
          maw={140}
        >
          {safeLabel(l, 50)}
        </Badge>
      ))}
      {labels.length > 4 && (
        <Text size="xs" c="dimmed">
          +{labels.length - 4}
        </Text>
      )}
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={300} trapFocus withinPortal>
        <Popover.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label="Edit labels"
            onClick={() => setOpened((o) => !o)}
          >
            <IconTag size={16} aria-hidden />
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown>
          {/* Mounted only while open, so each opening starts from the current labels. */}
          {opened && (
            <LabelsForm
              labels={labels}
              suggestions={suggestions}
              withinPortal={false}
              onCancel={() => setOpened(false)}
              onSave={(next) => {
                setOpened(false);
                onChange(next);
              }}
            />
          )}
        </Popover.Dropdown>
      </Popover>
    </Group>
  );
}
