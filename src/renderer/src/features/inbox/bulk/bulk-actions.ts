import type { ConversationStatus } from '#contract/domain/messaging';
import type { In, InboxConversation } from '#contract/ipc/contract';

/** What a bulk action does to each selected conversation. */
export type BulkAction =
  | { kind: 'assign'; assigneeId: string | null; teamId?: string | null; label: string }
  | { kind: 'status'; status: ConversationStatus }
  | { kind: 'addLabel'; label: string }
  | { kind: 'removeLabel'; label: string }
  | { kind: 'markRead' }
  | { kind: 'markUnread' };

/**
 * The one write a bulk action makes for one conversation: an existing per-conversation channel,
 * so each is its own outbox mutation (queued offline, confirmed or refused one by one, retried
 * or discarded from the tray like any other write).
 */
export type BulkWrite =
  | { channel: 'conversation:assign'; input: In<'conversation:assign'> }
  | { channel: 'conversation:setStatus'; input: In<'conversation:setStatus'> }
  | { channel: 'conversation:setLabels'; input: In<'conversation:setLabels'> }
  | { channel: 'conversation:markRead'; input: In<'conversation:markRead'> }
  | { channel: 'conversation:markUnread'; input: In<'conversation:markUnread'> };

/**
 * The write for `c`, or null when `c` already is that way (no mutation is queued for it: it
 * counts as done). Labels are computed from the row's current set, because the mutation
 * replaces the whole set.
 */
export function writeFor(action: BulkAction, c: InboxConversation): BulkWrite | null {
  const conversationId = c.id;
  switch (action.kind) {
    case 'assign':
      if (c.assigneeId === action.assigneeId && (action.teamId === undefined || action.teamId === c.teamId))
        return null;
      return {
        channel: 'conversation:assign',
        input:
          action.teamId === undefined
            ? { conversationId, assigneeId: action.assigneeId }
            : { conversationId, assigneeId: action.assigneeId, teamId: action.teamId },
      };
    case 'status':
      if (c.status === action.status) return null;
      return { channel: 'conversation:setStatus', input: { conversationId, status: action.status } };
    case 'addLabel':
      if (c.labels.includes(action.label)) return null;
      return {
        channel: 'conversation:setLabels',
        input: { conversationId, labels: [...c.labels, action.label] },
      };
    case 'removeLabel':
      if (!c.labels.includes(action.label)) return null;
      return {
        channel: 'conversation:setLabels',
        input: { conversationId, labels: c.labels.filter((l) => l !== action.label) },
      };
    case 'markRead':
      if (c.unreadCount === 0 && c.readUpToConvSeq >= c.lastConvSeq) return null;
      return {
        channel: 'conversation:markRead',
        input: { conversationId, readUpToConvSeq: c.lastConvSeq },
      };
    case 'markUnread':
      if (c.unreadCount > 0) return null;
      return { channel: 'conversation:markUnread', input: { conversationId } };
  }
}

/** The action in words, for the progress notice ("Assign to Ana", "Resolve"). */
export function actionLabel(action: BulkAction): string {
  switch (action.kind) {
    case 'assign':
      return action.label;
    case 'status':
      return {
        open: 'Reopen',
        pending: 'Mark pending',
        resolved: 'Resolve',
        snoozed: 'Snooze',
      }[action.status];
    case 'addLabel':
      return `Add label “${action.label}”`;
    case 'removeLabel':
      return `Remove label “${action.label}”`;
    case 'markRead':
      return 'Mark read';
    case 'markUnread':
      return 'Mark unread';
  }
}
