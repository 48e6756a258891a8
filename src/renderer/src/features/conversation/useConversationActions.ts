import { useCallback, useEffect, useState } from 'react';
import type { ConversationStatus } from '#contract/domain/messaging';
import type { OutboxItem } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { useParleyClient } from '../../api';

/** Writes whose refusals the header shows (messages and notes show theirs in the thread). */
const HEADER_WRITES = new Set([
  'conversation.setStatus',
  'conversation.assign',
  'conversation.claim',
  'conversation.setImportant',
  'conversation.setLabels',
  'contact.update',
]);

/** What {@link useConversationActions} returns. */
export interface ConversationActions {
  setStatus(status: ConversationStatus, snoozedUntil?: string | null): Promise<void>;
  assign(assigneeId: string | null, teamId?: string | null): Promise<void>;
  claim(): Promise<void>;
  setImportant(important: boolean): Promise<void>;
  setLabels(labels: string[]): Promise<void>;
  /** The last call the app refused at once (validation, role), in a sentence. */
  actionError: string | null;
  clearActionError(): void;
  /** Header writes the server refused later (a lost claim, a role check), newest last. */
  rejections: OutboxItem[];
  /** Re-queues a refused write. */
  retryRejection(mutationId: number): Promise<void>;
  /** Drops a refused write (its local effect goes with it). */
  dismissRejection(mutationId: number): Promise<void>;
}

/**
 * The header's writes. Each is queued locally at once (the replica shows it); the server
 * decides later, and a refusal comes back as a failed outbox item, shown until dismissed.
 */
export function useConversationActions(conversationId: string): ConversationActions {
  const client = useParleyClient();
  const [actionError, setActionError] = useState<string | null>(null);
  const [rejections, setRejections] = useState<{ id: string; items: OutboxItem[] }>({
    id: conversationId,
    items: [],
  });

  useEffect(() => {
    let live = true;
    const read = async () => {
      const r = await client.call('outbox:list');
      if (!live || !r.ok) return;
      setRejections({
        id: conversationId,
        items: r.value.filter(
          (i) => i.state === 'failed' && i.conversationId === conversationId && HEADER_WRITES.has(i.name),
        ),
      });
    };
    void read();
    const offChanged = client.subscribe('replica:changed', (c) => {
      if (c.tables.some((t) => t === 'outbox' || t === 'pending_patches')) void read();
    });
    const offStatus = client.subscribe('sync:status', () => void read());
    return () => {
      live = false;
      offChanged();
      offStatus();
    };
  }, [client, conversationId]);

  const run = useCallback(async (call: Promise<Result<unknown>>) => {
    const r = await call;
    setActionError(r.ok ? null : r.error.message);
  }, []);

  return {
    setStatus: (status, snoozedUntil) =>
      run(
        client.call('conversation:setStatus', { conversationId, status, snoozedUntil: snoozedUntil ?? null }),
      ),
    assign: (assigneeId, teamId) =>
      run(
        client.call('conversation:assign', {
          conversationId,
          assigneeId,
          ...(teamId !== undefined ? { teamId } : {}),
        }),
      ),
    claim: () => run(client.call('conversation:claim', { conversationId })),
    setImportant: (important) => run(client.call('conversation:setImportant', { conversationId, important })),
    setLabels: (labels) => run(client.call('conversation:setLabels', { conversationId, labels })),
    actionError,
    clearActionError: () => setActionError(null),
    rejections: rejections.id === conversationId ? rejections.items : [],
    retryRejection: (mutationId) => run(client.call('outbox:retry', { mutationId })),
    dismissRejection: (mutationId) => run(client.call('outbox:discard', { mutationId })),
  };
}
