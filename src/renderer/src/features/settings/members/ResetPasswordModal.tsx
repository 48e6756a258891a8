import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { Member } from '#contract/api/users';
import type { AppError } from '#contract/result';
import { useParleyClient } from '../../../api';
import { CopyField } from '../components/CopyField';
import { ActionError } from '../components/Notices';

/**
 * "Reset password" for a member (admins): asks first and says what happens, then shows the new
 * temporary password once with a copy button, as an invite with a temporary password does.
 */
export function ResetPasswordModal({ member, onClose }: { member: Member | null; onClose(): void }) {
  const client = useParleyClient();
  const [password, setPassword] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setPassword(null);
    setError(null);
    onClose();
  };
  const reset = async () => {
    if (!member) return;
    setError(null);
    setBusy(true);
    const r = await client.call('admin:resetPassword', { id: member.id });
    setBusy(false);
    if (r.ok) setPassword(r.value.temporaryPassword);
    else setError(r.error);
  };
  const name = member?.name ?? '';
  return (
    <Modal
      opened={member !== null}
      onClose={close}
      title={password ? `New password for ${name}` : `Reset ${name}’s password?`}
      closeButtonProps={{ 'aria-label': password ? 'Close' : 'Cancel' }}
    >
      {password ? (
        <Stack>
          <Text size="sm">
            {name} was signed out everywhere. They sign in as {member?.email} with this password, then change
            it in Settings › Profile.
          </Text>
          <CopyField label="Temporary password" value={password} />
          <Alert color="yellow" variant="light" role="note">
            Shown only once: Parley keeps only a hash. Copy it before you close this window.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">
            {name} gets a new temporary password that you hand over, and is signed out on every device at
            once. Their current password stops working.
          </Text>
          {error && <ActionError error={error} title={`${name}’s password was not reset`} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => void reset()}>
              Reset password
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
