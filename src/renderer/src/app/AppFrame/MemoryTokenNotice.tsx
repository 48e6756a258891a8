import { Alert, Text } from '@mantine/core';
import { IconLockOpen } from '@tabler/icons-react';

/** Shown when the refresh token could not be stored in the OS key store; one line, dismissible. */
export function MemoryTokenNotice({ onDismiss }: { onDismiss?: () => void }) {
  return (
    <Alert
      variant="light"
      color="yellow"
      radius={0}
      py={6}
      icon={<IconLockOpen size={18} aria-hidden />}
      role="note"
      withCloseButton={!!onDismiss}
      closeButtonLabel="Dismiss"
      onClose={onDismiss}
    >
      <Text size="sm">
        <strong>Sign-in not saved.</strong> Your sign-in is kept in memory only: this system has no secure key
        store, so you&apos;ll sign in again after a restart.
      </Text>
    </Alert>
  );
}
