import { useEffect, useRef } from 'react';
import type { InboxConversation } from '#contract/ipc/contract';
import { showDesktopNotification, useParleyClient } from '../../api';
import { playBeep } from './beep';
import { useNotificationPreferences } from './notification-preferences';

/** Reading more conversations than this per change means a bulk load, not new messages. */
const MAX_CONVERSATIONS_PER_CHANGE = 20;

/** Options of {@link useNewMessageAlerts}. */
export interface NewMessageAlertsOptions {
  /** The signed-in user's id (for Mine). */
  meId: string;
  /** The conversation on screen: no alert for it while the window has focus. */
  openId: string | null;
  /** Opens a conversation (clicking a notification). */
  onOpen(id: string): void;
}

/** Whether a conversation's newest message should alert the person. */
export function shouldAlert(
  c: InboxConversation,
  opts: { meId: string; mine: boolean; unassigned: boolean; since: number },
): boolean {
  const m = c.lastMessage;
  if (!m || m.direction !== 'inbound' || Date.parse(m.at) < opts.since) return false;
  if (c.assigneeId === opts.meId) return opts.mine;
  if (c.assigneeId === null) return opts.unassigned;
  return false;
}

/**
 * Desktop notifications (and the optional beep) for new customer messages in Mine and
 * Unassigned. It watches `replica:changed` events that name a few conversations, reads each
 * from the replica, and alerts once per message that arrived after the window opened (a
 * bootstrap or catch-up names no conversations, so history never alerts).
 */
export function useNewMessageAlerts({ meId, openId, onOpen }: NewMessageAlertsOptions): void {
  const client = useParleyClient();
  const [prefs] = useNotificationPreferences();
  const latest = useRef({ prefs, openId, onOpen, meId });
  useEffect(() => {
    latest.current = { prefs, openId, onOpen, meId };
  });

  useEffect(() => {
    const since = Date.now() - 5_000;
    const alerted = new Set<string>();
    let live = true;
    const off = client.subscribe('replica:changed', (change) => {
      const ids = change.conversationIds;
      if (!ids?.length || ids.length > MAX_CONVERSATIONS_PER_CHANGE) return;
      if (!change.tables.includes('messages') && !change.tables.includes('conversations')) return;
      const p = latest.current.prefs;
      if (!p.mine && !p.unassigned) return;
      for (const id of ids) {
        void client.call('conversation:get', { id }).then((r) => {
          if (!live || !r.ok) return;
          const c = r.value.conversation;
          const cur = latest.current;
          const m = c.lastMessage;
          if (!m || alerted.has(m.id)) return;
          if (
            !shouldAlert(c, { meId: cur.meId, mine: cur.prefs.mine, unassigned: cur.prefs.unassigned, since })
          )
            return;
          alerted.add(m.id);
          // The agent is looking at this very conversation: the thread shows it already.
          if (cur.openId === c.id && document.hasFocus()) return;
          const name = r.value.contact?.name ?? c.contact.name ?? c.contact.phone ?? 'A customer';
          if (cur.prefs.desktop) {
            showDesktopNotification({
              title: name,
              body: m.preview || 'New message',
              tag: c.id,
              onClick: () => {
                // The page's own window.focus() does not raise a minimized window everywhere.
                void client.call('app:setAttention', { focus: true });
                latest.current.onOpen(c.id);
              },
            });
          }
          if (cur.prefs.sound) playBeep();
        });
      }
    });
    return () => {
      live = false;
      off();
    };
  }, [client]);
}
