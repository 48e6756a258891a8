import { Button, Group, Modal, Stack } from '@mantine/core';
import { SecretField } from './SecretField';

/** The new secret after a rotation, shown once. */
export function SecretModal({ secret, onClose }: { secret: string | null; onClose(): void }) {
  return (
    <Modal
      opened={secret !== null}
      onClose={onClose}
      title="New signing secret"
      size="lg"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {secret && (
        <Stack>
          <SecretField secret={secret} rotated />
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
