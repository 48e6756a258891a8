import { useCallback, useEffect, useRef, useState } from 'react';
import { useParleyClient } from '../../api';

/** How long typing must pause before the draft is written to the replica. */
export const DRAFT_DEBOUNCE_MS = 400;

/** What {@link useDraft} returns. */
export interface DraftState {
  text: string;
  /** The saved draft has been read (the box is editable from then on). */
  isLoaded: boolean;
  setText(text: string): void;
  /** Empties the box and deletes the saved draft at once (after a send). */
  clear(): void;
}

/**
 * The composer's text, kept per conversation in the replica (`drafts:get` / `drafts:set`,
 * debounced) so it survives switching conversations and restarting the app. A pending save is
 * written at once when the conversation changes or the composer unmounts.
 */
export function useDraft(conversationId: string, initial: string | null | undefined): DraftState {
  const client = useParleyClient();
  const [state, setState] = useState<{ id: string; text: string; isLoaded: boolean }>({
    id: conversationId,
    text: initial ?? '',
    isLoaded: initial !== undefined,
  });
  const pending = useRef<{ id: string; text: string } | null>(null);
  const timer = useRef<number | null>(null);

  const flush = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    const save = pending.current;
    pending.current = null;
    if (save) void client.call('drafts:set', { conversationId: save.id, text: save.text.slice(0, 20_000) });
  }, [client]);

  useEffect(() => {
    let live = true;
    if (initial === undefined) {
      void client.call('drafts:get', { conversationId }).then((r) => {
        if (!live) return;
        setState((s) =>
          s.id === conversationId && s.isLoaded
            ? s
            : { id: conversationId, text: r.ok ? (r.value.text ?? '') : '', isLoaded: true },
        );
      });
    }
    return () => {
      live = false;
      flush();
    };
    // `initial` is read once per conversation, when it opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, conversationId, flush]);

  const setText = useCallback(
    (text: string) => {
      setState({ id: conversationId, text, isLoaded: true });
      pending.current = { id: conversationId, text };
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = window.setTimeout(flush, DRAFT_DEBOUNCE_MS);
    },
    [conversationId, flush],
  );

  const clear = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    pending.current = null;
    setState({ id: conversationId, text: '', isLoaded: true });
    void client.call('drafts:set', { conversationId, text: '' });
  }, [client, conversationId]);

  if (state.id !== conversationId) {
    return { text: initial ?? '', isLoaded: initial !== undefined, setText, clear };
  }
  return { text: state.text, isLoaded: state.isLoaded, setText, clear };
}
