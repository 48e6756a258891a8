import { createContext, use } from 'react';
import type { Template } from '#contract/api/templates';
import type { ThreadMessage } from '#contract/ipc/contract';

/** What every bubble may need from the thread, without threading props through the virtualizer. */
export interface ThreadContextValue {
  /** The signed-in member. */
  myUserId: string;
  /** The contact's display name (for quotes). */
  contactName: string;
  /** Member names by id (authors of outbound messages and notes). */
  memberName(id: string | null | undefined): string | null;
  /** A loaded message by id. */
  messageById(id: string): ThreadMessage | undefined;
  /** The synced template a template message was sent from, by name and language. */
  templateFor(name: string, language: string): Template | undefined;
  /** The message being briefly highlighted after a jump. */
  highlightedId: string | null;
  /** Scrolls to a message (loading older history if needed) and highlights it. */
  jumpTo(messageId: string): void;
  /** Starts a reply to a message in the composer. */
  reply(message: ThreadMessage): void;
  /** Reacts to a message (empty emoji removes the reaction). */
  react(message: ThreadMessage, emoji: string): void;
  /** Retries a failed message. */
  retry(message: ThreadMessage): void;
  /** The 24-hour reply window is open now (a failed free-form message may be sent again). */
  windowOpen: boolean;
  /** Opens the composer's template picker (the remedy for a closed window). */
  sendTemplate(): void;
  /** Drops a failed, unsent message. */
  discard(message: ThreadMessage): void;
  /** Opens an image or video in the viewer. */
  view(message: ThreadMessage): void;
}

/** The thread's context. */
export const ThreadContext = createContext<ThreadContextValue | null>(null);

/** Reads the thread's context. */
export function useThreadContext(): ThreadContextValue {
  const value = use(ThreadContext);
  if (!value) throw new Error('useThreadContext must be used inside <ThreadContext>');
  return value;
}
