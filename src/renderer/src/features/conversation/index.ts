// The conversation feature's public surface: the inbox renders ConversationView.
export { ConversationView, type ConversationViewProps } from './ConversationView/ConversationView';
