import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  opened: boolean;
  /** The question ("Disconnect +1 555…?"): the dialog's name. */
  title: string;
  /** What will happen, in words: what stops, what is kept, whether it can be undone. */
  children: ReactNode;
  /** The confirming button's label ("Disconnect"). */
  confirmLabel: string;
  /** Runs the action; the dialog stays open with the button busy until it settles. */
  onConfirm(): Promise<unknown>;
  onClose(): void;
}

/** Asks before a destructive action and says what it does. Cancel is focused first. */
export function ConfirmDialog({
  opened,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
    }
    onClose();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title} closeButtonProps={{ 'aria-label': 'Cancel' }}>
      <Stack>
        <Text size="sm">{children}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" loading={busy} onClick={() => void confirm()}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
