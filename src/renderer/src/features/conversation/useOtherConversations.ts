import { useEffect, useState } from 'react';
import type { ConversationStatus } from '#contract/domain/messaging';
import type { InboxConversation } from '#contract/ipc/contract';
import { useParleyClient } from '../../api';

const TABS: ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];

/**
 * The contact's other conversations (other WhatsApp numbers, or older ones), newest first.
 * `conversations:list` has no contact filter yet, so this searches every tab of the `all` view
 * by the contact's number and keeps exact contact matches.
 */
export function useOtherConversations(
  contactId: string,
  query: string | null,
  currentId: string,
): InboxConversation[] | undefined {
  const client = useParleyClient();
  const [state, setState] = useState<{ key: string; items: InboxConversation[] } | null>(null);
  const key = `${contactId}|${query ?? ''}|${currentId}`;
  useEffect(() => {
    if (!query || query.length < 3) return undefined;
    let live = true;
    void Promise.all(
      TABS.map((tab) => client.call('conversations:list', { view: 'all', tab, q: query, limit: 50 })),
    ).then((pages) => {
      if (!live) return;
      const items = pages
        .flatMap((p) => (p.ok ? p.value.items : []))
        .filter((c) => c.contact.id === contactId && c.id !== currentId)
        .sort((a, b) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? ''));
      setState({ key, items });
    });
    return () => {
      live = false;
    };
  }, [client, contactId, query, currentId, key]);
  if (!query || query.length < 3) return [];
  return state?.key === key ? state.items : undefined;
}
