import { useEffect } from 'react';
import { useParleyClient } from '../../api';
import { useNotificationPreferences, type NotificationPreferences } from './notification-preferences';

/** The badge's upper bound in the contract (`app:setAttention`). */
const MAX_BADGE = 999_999;

/** Whether the person wants desktop notifications at all: on, for Mine or Unassigned or both. */
export const wantsDesktopNotifications = (p: NotificationPreferences): boolean =>
  p.desktop && (p.mine || p.unassigned);

/**
 * Keeps the desktop shell in step with the person's choices (`app:setAttention`): the main
 * process grants the page's notification permission only while alerts are wanted (and
 * remembers that between runs), and shows `unread` on the dock or launcher badge while the
 * title count is on. The badge is cleared on unmount (signing out). In the browser harness the
 * channel only records the values.
 */
export function useDesktopAttention(unread: number): void {
  const client = useParleyClient();
  const [prefs] = useNotificationPreferences();
  const notifications = wantsDesktopNotifications(prefs);
  const badgeCount = prefs.titleBadge ? Math.min(Math.max(0, Math.floor(unread)), MAX_BADGE) : 0;

  useEffect(() => {
    void client.call('app:setAttention', { notifications });
  }, [client, notifications]);
  useEffect(() => {
    void client.call('app:setAttention', { badgeCount });
  }, [client, badgeCount]);
  useEffect(
    () => () => {
      void client.call('app:setAttention', { badgeCount: 0 });
    },
    [client],
  );
}
