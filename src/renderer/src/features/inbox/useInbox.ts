import { notifications } from '@mantine/notifications';
import { createElement, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { SessionUser } from '#contract/api/auth';
import type { ConversationStatus } from '#contract/domain/messaging';
import type { InboxConversation, InboxCounts } from '#contract/ipc/contract';
import type { Availability, Member } from '#contract/api/users';
import {
  useConversations,
  useInboxCounts,
  useMembers,
  useParleyClient,
  useParleyEvent,
  useTeams,
  viewKey,
  type ConversationsState,
} from '../../api';
import { contactLabel } from './conversation-format';
import { defaultView, inboxViews, type InboxViewOption } from './inbox-views';
import { StatusChangeNotice } from './StatusChangeNotice/StatusChangeNotice';
import {
  inboxReducer,
  initialInboxState,
  STATUS_TABS,
  type InboxAction,
  type InboxState,
} from './inbox-state';

/** Words for a status change, for the confirmation ("Resolved Maria Souza"). */
const STATUS_DONE: Record<ConversationStatus, string> = {
  open: 'Reopened',
  pending: 'Marked pending',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

/** What {@link useInbox} returns: the inbox's state, data and actions. */
export interface InboxApi {
  state: InboxState;
  dispatch(action: InboxAction): void;
  views: InboxViewOption[];
  currentView: InboxViewOption;
  counts: Record<string, InboxCounts>;
  conversations: ConversationsState;
  members: Member[] | undefined;
  memberNames: ReadonlyMap<string, string>;
  /** Member availabilities by id, for the assignee's dot. */
  memberAvailability: ReadonlyMap<string, Availability>;
  /** The selected row's conversation, if loaded. */
  selected: InboxConversation | undefined;
  /** Moves the selection by `delta` rows (selects the first row when nothing is). */
  moveSelection(delta: number): void;
  /** Opens the selected conversation. */
  openSelected(): void;
  /** Changes a conversation's status (queued locally; undo offered). */
  setStatus(id: string, status: ConversationStatus, snoozedUntil?: string | null): Promise<void>;
  /** Flips the important flag. */
  toggleImportant(id: string): Promise<void>;
  /** Assigns to a member (null = unassign); managers and admins. */
  assign(id: string, assigneeId: string | null): Promise<void>;
  /** Takes an unassigned conversation. */
  claim(id: string): Promise<void>;
}

/**
 * The inbox's state and data: views (by role and teams), counts, the current list, the
 * selection (which follows a row that leaves the list to its neighbour), and the actions
 * keyboard shortcuts and the command palette share. Writes go through the outbox: they show
 * at once and a failure arrives later in the outbox tray.
 */
export function useInbox(user: Pick<SessionUser, 'id' | 'role'>): InboxApi {
  const client = useParleyClient();
  const teams = useTeams();
  const members = useMembers();
  const views = useMemo(() => inboxViews(user, teams), [user, teams]);
  const [state, dispatch] = useReducer(inboxReducer, user, (u) => initialInboxState(defaultView(u)));
  const counts = useInboxCounts(views);

  const key = viewKey({ view: state.view, teamId: state.teamId ?? undefined });
  // A team view that disappeared (the user left the team) falls back to the first view.
  const currentView = views.find((v) => v.key === key) ?? views[0]!;
  const query = {
    view: currentView.view,
    ...(currentView.teamId ? { teamId: currentView.teamId } : {}),
    tab: state.tab,
    unread: state.unread,
    important: state.important,
    ...(state.label ? { label: state.label } : {}),
    ...(state.waiting ? { sort: 'waiting' as const } : {}),
    q: state.search,
  };
  const conversations = useConversations(query);
  const { items } = conversations;

  const memberNames = useMemo(() => new Map((members ?? []).map((m) => [m.id, m.name])), [members]);
  const memberAvailability = useMemo(
    () => new Map((members ?? []).map((m) => [m.id, m.availability])),
    [members],
  );

  // When the selected row leaves the list (resolved with `e`, reassigned, moved to another
  // tab), select the row that took its place, so the agent can keep going.
  const [prevItems, setPrevItems] = useState(items);
  if (prevItems !== items) {
    setPrevItems(items);
    if (state.selectedId && !conversations.isStale && !items.some((c) => c.id === state.selectedId)) {
      const at = prevItems.findIndex((c) => c.id === state.selectedId);
      const next = at >= 0 && items.length ? items[Math.min(at, items.length - 1)] : undefined;
      dispatch({ type: 'select', id: next?.id ?? null });
    }
  }

  const selected = state.selectedId ? items.find((c) => c.id === state.selectedId) : undefined;

  // Names of conversations seen in lists, for notices about conversations no longer listed.
  const namesRef = useRef(new Map<string, string>());
  useEffect(() => {
    for (const c of items) namesRef.current.set(c.id, contactLabel(c));
  }, [items]);

  useParleyEvent('conversation:revoked', (e) => {
    const name = namesRef.current.get(e.conversationId);
    dispatch({ type: 'removed', id: e.conversationId });
    const who = name ? `Conversation with ${name}` : 'A conversation';
    const message =
      e.reason === 'reassigned'
        ? `${who} was reassigned to ${e.reassignedToName ?? 'someone else'}`
        : `${who} is no longer visible to you`;
    notifications.show({
      id: `revoked-${e.conversationId}`,
      title: e.reason === 'reassigned' ? 'Reassigned' : 'Conversation removed',
      message:
        e.pendingCount > 0
          ? `${message}. ${e.pendingCount} unsent change${e.pendingCount === 1 ? ' is' : 's are'} in the Outbox.`
          : message,
      color: 'yellow',
      autoClose: 8000,
    });
  });

  const itemsRef = useRef(items);
  const selectedRef = useRef(state.selectedId);
  useEffect(() => {
    itemsRef.current = items;
    selectedRef.current = state.selectedId;
  });

  const moveSelection = useCallback((delta: number) => {
    const list = itemsRef.current;
    if (!list.length) return;
    const at = selectedRef.current ? list.findIndex((c) => c.id === selectedRef.current) : -1;
    const to = at < 0 ? 0 : Math.max(0, Math.min(list.length - 1, at + delta));
    dispatch({ type: 'select', id: list[to]!.id });
  }, []);

  const openSelected = useCallback(() => {
    if (selectedRef.current) dispatch({ type: 'open', id: selectedRef.current });
  }, []);

  const nameOf = useCallback((id: string) => namesRef.current.get(id) ?? 'the conversation', []);

  const failed = useCallback((title: string, message: string) => {
    notifications.show({ title, message, color: 'red', autoClose: 8000 });
  }, []);

  const setStatus = useCallback(
    async (id: string, status: ConversationStatus, snoozedUntil?: string | null) => {
      const before = itemsRef.current.find((c) => c.id === id)?.status;
      const r = await client.call('conversation:setStatus', {
        conversationId: id,
        status,
        ...(status === 'snoozed' ? { snoozedUntil: snoozedUntil ?? null } : {}),
      });
      if (!r.ok) return failed('Status not changed', r.error.message);
      const noticeId = `status-${id}-${r.value.mutationId}`;
      const undo =
        before && before !== status
          ? () => {
              notifications.hide(noticeId);
              // Undo is a new write like any other: it queues and syncs in order.
              void client.call('conversation:setStatus', { conversationId: id, status: before }).then((u) => {
                if (!u.ok) failed('Could not undo', u.error.message);
              });
            }
          : undefined;
      notifications.show({
        id: noticeId,
        message: createElement(StatusChangeNotice, {
          text: `${STATUS_DONE[status]} ${nameOf(id)}`,
          onUndo: undo,
        }),
        autoClose: 5000,
      });
    },
    [client, failed, nameOf],
  );

  const toggleImportant = useCallback(
    async (id: string) => {
      const c = itemsRef.current.find((x) => x.id === id);
      if (!c) return;
      const r = await client.call('conversation:setImportant', {
        conversationId: id,
        important: !c.important,
      });
      if (!r.ok) failed('Not changed', r.error.message);
    },
    [client, failed],
  );

  const assign = useCallback(
    async (id: string, assigneeId: string | null) => {
      const r = await client.call('conversation:assign', { conversationId: id, assigneeId });
      if (!r.ok) return failed('Not assigned', r.error.message);
      const who = assigneeId ? (memberNames.get(assigneeId) ?? 'a teammate') : 'nobody';
      notifications.show({ message: `Assigned ${nameOf(id)} to ${who}`, autoClose: 4000 });
    },
    [client, failed, memberNames, nameOf],
  );

  const claim = useCallback(
    async (id: string) => {
      const r = await client.call('conversation:claim', { conversationId: id });
      if (!r.ok) return failed('Not claimed', r.error.message);
      notifications.show({ message: `You took ${nameOf(id)}`, autoClose: 4000 });
    },
    [client, failed, nameOf],
  );

  return {
    state,
    dispatch,
    views,
    currentView,
    counts,
    conversations,
    members,
    memberNames,
    memberAvailability,
    selected,
    moveSelection,
    openSelected,
    setStatus,
    toggleImportant,
    assign,
    claim,
  };
}

/** The status tabs' names, for commands and help. */
export const STATUS_LABELS = Object.fromEntries(STATUS_TABS.map((t) => [t.value, t.label])) as Record<
  ConversationStatus,
  string
>;
