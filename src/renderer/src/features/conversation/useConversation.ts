import { useCallback, useEffect, useState } from 'react';
import type { ConversationDetail } from '#contract/ipc/contract';
import type { AppError } from '#contract/result';
import { useParleyClient } from '../../api';

/** What {@link useConversation} returns. */
export interface ConversationState {
  /** The conversation, its contact and draft; undefined while first loading. */
  detail: ConversationDetail | undefined;
  /** Why it could not be read (not on this device…), if it could not. */
  error: AppError | null;
  /** Reads it again from the replica. */
  reload(): Promise<void>;
}

/**
 * One conversation from the local replica (`conversation:get`), read again whenever
 * `replica:changed` names it (or names no conversation in particular).
 */
export function useConversation(conversationId: string): ConversationState {
  const client = useParleyClient();
  const [state, setState] = useState<{ id: string; detail?: ConversationDetail; error: AppError | null }>({
    id: conversationId,
    error: null,
  });

  const reload = useCallback(async () => {
    const result = await client.call('conversation:get', { id: conversationId });
    setState((prev) => {
      if (result.ok) return { id: conversationId, detail: result.value, error: null };
      // Keep what was shown when a re-read fails; say why only when there is nothing to show.
      return prev.id === conversationId && prev.detail ? prev : { id: conversationId, error: result.error };
    });
  }, [client, conversationId]);

  useEffect(() => {
    let live = true;
    const read = () => {
      void client.call('conversation:get', { id: conversationId }).then((result) => {
        if (!live) return;
        setState((prev) => {
          if (result.ok) return { id: conversationId, detail: result.value, error: null };
          return prev.id === conversationId && prev.detail
            ? prev
            : { id: conversationId, error: result.error };
        });
      });
    };
    read();
    const unsubscribe = client.subscribe('replica:changed', (change) => {
      const touches = !change.conversationIds || change.conversationIds.includes(conversationId);
      const tables = ['conversations', 'contacts', 'pending_patches', 'drafts', 'members', 'teams'];
      if (touches && change.tables.some((t) => tables.includes(t))) read();
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client, conversationId]);

  const isCurrent = state.id === conversationId;
  return {
    detail: isCurrent ? state.detail : undefined,
    error: isCurrent ? state.error : null,
    reload,
  };
}
