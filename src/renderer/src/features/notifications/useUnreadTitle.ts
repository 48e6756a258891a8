import { useEffect } from 'react';
import { useNotificationPreferences } from './notification-preferences';

/** The window title without a count. */
export const BASE_TITLE = 'Parley';

/**
 * Puts the number of conversations waiting to be read in the window title ("(3) Parley"),
 * which is also what the taskbar shows. Restores the plain title on unmount.
 */
export function useUnreadTitle(unread: number): void {
  const [{ titleBadge }] = useNotificationPreferences();
  useEffect(() => {
    document.title = titleBadge && unread > 0 ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
  }, [unread, titleBadge]);
  useEffect(
    () => () => {
      document.title = BASE_TITLE;
    },
    [],
  );
}
