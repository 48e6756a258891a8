import { Divider, Modal, Stack, Text, Title } from '@mantine/core';
import { memo } from 'react';
import type { SessionUser } from '#contract/api/auth';
import { NameForm } from '../NameForm/NameForm';
import { PasswordForm } from '../PasswordForm/PasswordForm';
import { useProfileActions } from '../useProfileActions';

/** Props of {@link ProfileModal}. */
export interface ProfileModalProps {
  opened: boolean;
  onClose(): void;
  user: SessionUser;
}

/**
 * The signed-in user's profile: display name and password. Memoized: the frame re-renders with
 * every inbox change, and a closed modal has nothing to update.
 */
export const ProfileModal = memo(function ProfileModal({ opened, onClose, user }: ProfileModalProps) {
  const { updateName, changePassword } = useProfileActions();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="Profile"
      size="md"
      closeButtonProps={{ 'aria-label': 'Close profile' }}
    >
      <Stack gap="lg">
        <Text size="sm" c="dimmed">
          Signed in as {user.email} · {user.organizationName}
        </Text>
        <NameForm key={user.id} initialName={user.name} onSave={updateName} />
        <Divider />
        <Stack gap="xs">
          <Title order={3} size="h5">
            Change password
          </Title>
          <PasswordForm onChangePassword={changePassword} />
        </Stack>
      </Stack>
    </Modal>
  );
});
