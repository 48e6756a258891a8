import { Button, Group, Text } from '@mantine/core';

/** Props of {@link StatusChangeNotice}. */
export interface StatusChangeNoticeProps {
  /** "Resolved Maria Souza". */
  text: string;
  /** Puts the previous status back; absent when there is nothing to undo. */
  onUndo?: () => void;
}

/** The short confirmation after a status change, with Undo. */
export function StatusChangeNotice({ text, onUndo }: StatusChangeNoticeProps) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm">
      <Text size="sm">{text}</Text>
      {onUndo && (
        <Button size="compact-sm" variant="subtle" onClick={onUndo}>
          Undo
        </Button>
      )}
    </Group>
  );
}
