import { Button, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import type { SessionUser } from '#contract/api/auth';
import { NameForm, PasswordForm, useProfileActions } from '../../profile';
import { OfflineNotice } from '../components/Notices';

/** Everyone's own section: name, password (online) and notifications (this device). */
export function ProfileSection({
  user,
  online,
  onOpenNotifications,
}: {
  user: SessionUser;
  online: boolean;
  onOpenNotifications(): void;
}) {
  const { updateName, changePassword } = useProfileActions();
  return (
    <Stack gap="lg" maw={520}>
      <Text size="sm" c="dimmed">
        Signed in as {user.email} · {user.role} of {user.organizationName}
      </Text>
      {online ? (
        <>
          <NameForm key={user.id} initialName={user.name} onSave={updateName} />
          <Divider />
          <Stack gap="xs">
            <Title order={3} size="h5">
              Change password
            </Title>
            <PasswordForm onChangePassword={changePassword} />
          </Stack>
        </>
      ) : (
        <OfflineNotice note="Connect to change your name or password." />
      )}
      <Divider />
      <Stack gap="xs">
        <Title order={3} size="h5">
          Notifications
        </Title>
        <Text size="sm" c="dimmed">
          Desktop alerts and sounds for this device.
        </Text>
        <Group>
          <Button
            variant="default"
            leftSection={<IconBell size={16} aria-hidden />}
            onClick={onOpenNotifications}
          >
            Notification settings
          </Button>
        </Group>
      </Stack>
    </Stack>
  );
}
