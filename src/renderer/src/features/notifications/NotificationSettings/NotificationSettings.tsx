import { Alert, Button, Group, Modal, Stack, Switch, Text } from '@mantine/core';
import { memo, useEffect, useState } from 'react';
import {
  desktopNotificationPermission,
  requestDesktopNotificationPermission,
  showDesktopNotification,
  type DesktopNotificationPermission,
  useParleyClient,
} from '../../../api';
import { playBeep } from '../beep';
import { useNotificationPreferences } from '../notification-preferences';
import { wantsDesktopNotifications } from '../useDesktopAttention';

/** Props of {@link NotificationSettings}. */
export interface NotificationSettingsProps {
  opened: boolean;
  onClose(): void;
}

const PERMISSION_TEXT: Record<DesktopNotificationPermission, string | null> = {
  granted: null,
  default: 'Parley has not been allowed to show notifications yet.',
  denied:
    'Notifications are blocked for Parley by the system. Allow them in the system settings to see them.',
  unsupported: 'This system does not offer desktop notifications.',
};

/** The "Notifications" dialog: which new messages alert, sound, and the unread count in the title. */
export const NotificationSettings = memo(function NotificationSettings({
  opened,
  onClose,
}: NotificationSettingsProps) {
  const [prefs, setPrefs] = useNotificationPreferences();
  const [permission, setPermission] = useState<DesktopNotificationPermission>(() =>
    desktopNotificationPermission(),
  );
  const note = prefs.desktop ? PERMISSION_TEXT[permission] : null;
  const client = useParleyClient();
  const wantsNotifications = wantsDesktopNotifications(prefs);
  useEffect(() => {
    let live = true;
    // The desktop shell grants the permission from this opt-in (app:setAttention; idempotent,
    // useDesktopAttention sends it too): read the permission again once the shell has it.
    void client.call('app:setAttention', { notifications: wantsNotifications }).then(() => {
      if (live) setPermission(desktopNotificationPermission());
    });
    return () => {
      live = false;
    };
  }, [client, wantsNotifications]);

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': 'Close' }}
      title="Notifications"
    >
      <Stack gap="md">
        <Switch
          label="Desktop notifications"
          description="A notification when a customer writes"
          checked={prefs.desktop}
          onChange={(e) => setPrefs({ desktop: e.currentTarget.checked })}
        />
        {note && (
          <Alert color="yellow" variant="light">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{note}</Text>
              {permission === 'default' && (
                <Button
                  size="xs"
                  onClick={() => void requestDesktopNotificationPermission().then(setPermission)}
                >
                  Allow notifications
                </Button>
              )}
            </Stack>
          </Alert>
        )}
        <Stack gap="xs" pl="lg">
          <Switch
            label="New messages in Mine"
            checked={prefs.mine}
            disabled={!prefs.desktop && !prefs.sound}
            onChange={(e) => setPrefs({ mine: e.currentTarget.checked })}
          />
          <Switch
            label="New messages in Unassigned"
            checked={prefs.unassigned}
            disabled={!prefs.desktop && !prefs.sound}
            onChange={(e) => setPrefs({ unassigned: e.currentTarget.checked })}
          />
        </Stack>
        <Switch
          label="Play a sound"
          description="Also while Parley is in front"
          checked={prefs.sound}
          onChange={(e) => setPrefs({ sound: e.currentTarget.checked })}
        />
        <Switch
          label="Unread count in the window title"
          checked={prefs.titleBadge}
          onChange={(e) => setPrefs({ titleBadge: e.currentTarget.checked })}
        />
        <Group justify="space-between">
          <Button
            variant="default"
            onClick={() => {
              const shown = showDesktopNotification({ title: 'Parley', body: 'Notifications work.' });
              if (prefs.sound) playBeep();
              if (!shown) setPermission(desktopNotificationPermission());
            }}
          >
            Send a test
          </Button>
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
});
