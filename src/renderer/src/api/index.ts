// The renderer's only door to the app: components and features import from here, never
// `window.parley` directly.
export { createParleyClient, BRIDGE_FAILURE_MESSAGE, type ParleyClient } from './parley-client';
export { getWindowParley } from './window-parley';
export { ParleyProvider, useParleyClient, type ParleyProviderProps } from './ParleyProvider';
export { useSession, type SessionApi } from './SessionProvider';
export { useSettings, type SettingsApi } from './SettingsProvider';
export { useSyncStatus, INITIAL_SYNC_STATUS } from './useSyncStatus';
export { useAppInfo } from './useAppInfo';
export { coalesce } from './coalesce';
export { useParleyEvent, touchesTables } from './useParleyEvent';
export {
  useConversations,
  conversationQueryKey,
  CONVERSATION_PAGE_SIZE,
  type ConversationQuery,
  type ConversationsState,
} from './useConversations';
export { useInboxCounts, viewKey, type ViewRef } from './useInboxCounts';
export { useMembers, useTeams, useLabels, useCannedResponses, useBusinessHours } from './useDirectory';
export { useOutbox, type OutboxApi } from './useOutbox';
export {
  desktopNotificationPermission,
  requestDesktopNotificationPermission,
  showDesktopNotification,
  type DesktopNotification,
  type DesktopNotificationPermission,
} from './desktop-notifications';
