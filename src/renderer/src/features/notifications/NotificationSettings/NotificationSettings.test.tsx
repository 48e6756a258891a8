import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations, render, screen } from '../../../test-utils/render';
import { resetNotificationPreferencesCache } from '../notification-preferences';
import { NotificationSettings } from './NotificationSettings';

class FakeNotification {
  static permission: NotificationPermission = 'default';
  static requestPermission = vi.fn(async () => {
    FakeNotification.permission = 'granted';
    return FakeNotification.permission;
  });
}

beforeEach(() => {
  window.localStorage.clear();
  resetNotificationPreferencesCache();
  vi.stubGlobal('Notification', FakeNotification);
});
afterEach(() => vi.unstubAllGlobals());

describe('NotificationSettings', () => {
  it('lets the person choose which messages alert, sound and the title count, and asks for permission', async () => {
    const { user } = render(<NotificationSettings opened onClose={vi.fn()} />);
    expect(screen.getByRole('dialog', { name: 'Notifications' })).toBeInTheDocument();
    expect(screen.getByRole('switch', { name: /New messages in Mine/ })).toBeChecked();
    expect(screen.getByRole('switch', { name: /Play a sound/ })).not.toBeChecked();
    await expectNoAxeViolations();

    await user.click(screen.getByRole('switch', { name: /New messages in Unassigned/ }));
    expect(JSON.parse(window.localStorage.getItem('parley.notifications.v1')!)).toMatchObject({
      unassigned: false,
    });

    await user.click(screen.getByRole('button', { name: 'Allow notifications' }));
    expect(FakeNotification.requestPermission).toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Allow notifications' })).not.toBeInTheDocument();
  });

  it('explains a blocked permission', () => {
    FakeNotification.permission = 'denied';
    render(<NotificationSettings opened onClose={vi.fn()} />);
    expect(screen.getByText(/Notifications are blocked for Parley/)).toBeInTheDocument();
  });
});
