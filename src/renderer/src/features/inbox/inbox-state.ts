import type { ConversationStatus } from '#contract/domain/messaging';
import type { InboxView } from '#contract/ipc/contract';

/** What the inbox shows and which conversation is selected and open. */
export interface InboxState {
  view: InboxView;
  /** With view `team`. */
  teamId: string | null;
  tab: ConversationStatus;
  unread: boolean;
  important: boolean;
  label: string | null;
  /** Sort "Waiting longest": only customers waiting for a reply, the longest wait first. */
  waiting: boolean;
  /** The (debounced) search text; blank means no search. */
  search: string;
  /** The row the keyboard is on. */
  selectedId: string | null;
  /** The conversation in the conversation pane. */
  openId: string | null;
}

/** Changes to {@link InboxState}. */
export type InboxAction =
  | { type: 'view'; view: InboxView; teamId?: string | null }
  | { type: 'tab'; tab: ConversationStatus }
  | { type: 'unread'; value?: boolean }
  | { type: 'important'; value?: boolean }
  | { type: 'label'; label: string | null }
  | { type: 'waiting'; value?: boolean }
  | { type: 'search'; text: string }
  | { type: 'select'; id: string | null }
  | { type: 'open'; id: string }
  | { type: 'close' }
  | { type: 'removed'; id: string };

/** The status tabs in order, with their names. */
export const STATUS_TABS: readonly { value: ConversationStatus; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Pending' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'resolved', label: 'Resolved' },
];

/** The first state: open conversations of `view`, nothing selected. */
export function initialInboxState(view: InboxView): InboxState {
  return {
    view,
    teamId: null,
    tab: 'open',
    unread: false,
    important: false,
    label: null,
    waiting: false,
    search: '',
    selectedId: null,
    openId: null,
  };
}

/**
 * The inbox's reducer. Switching view, tab or filter drops the keyboard selection (the row
 * may not be in the new list) but keeps the open conversation on screen.
 */
export function inboxReducer(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case 'view': {
      const teamId = action.view === 'team' ? (action.teamId ?? null) : null;
      if (state.view === action.view && state.teamId === teamId) return state;
      return { ...state, view: action.view, teamId, selectedId: null };
    }
    case 'tab':
      return state.tab === action.tab ? state : { ...state, tab: action.tab, selectedId: null };
    case 'unread':
      return { ...state, unread: action.value ?? !state.unread, selectedId: null };
    case 'important':
      return { ...state, important: action.value ?? !state.important, selectedId: null };
    case 'label':
      return { ...state, label: action.label, selectedId: null };
    case 'waiting':
      return { ...state, waiting: action.value ?? !state.waiting, selectedId: null };
    case 'search':
      return state.search === action.text ? state : { ...state, search: action.text, selectedId: null };
    case 'select':
      return state.selectedId === action.id ? state : { ...state, selectedId: action.id };
    case 'open':
      return { ...state, openId: action.id, selectedId: action.id };
    case 'close':
      return { ...state, openId: null };
    case 'removed':
      return {
        ...state,
        selectedId: state.selectedId === action.id ? null : state.selectedId,
        openId: state.openId === action.id ? null : state.openId,
      };
  }
}
