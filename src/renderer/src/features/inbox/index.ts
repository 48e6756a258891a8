// The inbox feature's public surface: the app's layout composes these.
export { useInbox, STATUS_LABELS, type InboxApi } from './useInbox';
export { useNow } from './useNow';
export { ViewNav, type ViewNavProps } from './ViewNav/ViewNav';
export { ListPane, type ListPaneProps } from './ListPane/ListPane';
export {
  ConversationList,
  CONVERSATION_ROW_HEIGHT,
  type ConversationListHandle,
  type ConversationListProps,
} from './ConversationList/ConversationList';
export type { SearchBoxHandle } from './SearchBox/SearchBox';
export { STATUS_TABS, type InboxState, type InboxAction } from './inbox-state';
export type { InboxViewOption } from './inbox-views';
export { contactLabel, previewText } from './conversation-format';
