import { useEffect } from 'react';

/**
 * What the conversation view can put in front of Send (the collision warning): told when a
 * draft begins and ends, asked before a reply goes out. The composer knows nothing of presence.
 */
export interface SendGuard {
  /** The draft has text (true) or was emptied or sent (false). */
  onDraftChange(hasText: boolean): void;
  /** Resolves true to send now, false to keep the draft (the agent reviews first). */
  confirmSend(): Promise<boolean>;
}

/** Tells `guard` when the draft gains its first character or is emptied. */
export function useDraftSignal(guard: SendGuard | undefined, text: string): void {
  const hasText = text.trim().length > 0;
  useEffect(() => guard?.onDraftChange(hasText), [guard, hasText]);
}
