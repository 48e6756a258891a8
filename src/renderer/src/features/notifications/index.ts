// Attention: desktop notifications, sound, the unread count in the title, and their settings.
export { useNewMessageAlerts, shouldAlert, type NewMessageAlertsOptions } from './useNewMessageAlerts';
export { useUnreadTitle, BASE_TITLE } from './useUnreadTitle';
export { useDesktopAttention, wantsDesktopNotifications } from './useDesktopAttention';
export {
  useNotificationPreferences,
  saveNotificationPreferences,
  resetNotificationPreferencesCache,
  DEFAULT_NOTIFICATION_PREFERENCES,
  type NotificationPreferences,
} from './notification-preferences';
export {
  NotificationSettings,
  type NotificationSettingsProps,
} from './NotificationSettings/NotificationSettings';
export { playBeep } from './beep';
