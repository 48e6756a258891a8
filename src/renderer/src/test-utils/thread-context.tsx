import type { ReactElement } from 'react';
import { vi } from 'vitest';
import type { ThreadMessage } from '#contract/ipc/contract';
import { ids } from './conversation-fixtures';
import { ThreadContext, type ThreadContextValue } from '../features/conversation/thread-context';

/** A thread context with every action mocked, for rendering bubbles alone. */
export function makeThreadContext(
  messages: ThreadMessage[] = [],
  overrides: Partial<ThreadContextValue> = {},
) {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const value: ThreadContextValue = {
    myUserId: ids.agent,
    contactName: 'Grace Hopper',
    memberName: (id) => (id === ids.otherAgent ? 'Linus Pauling' : null),
    messageById: (id) => byId.get(id),
    templateFor: () => undefined,
    highlightedId: null,
    jumpTo: vi.fn(),
    reply: vi.fn(),
    react: vi.fn(),
    retry: vi.fn(),
    windowOpen: true,
    sendTemplate: vi.fn(),
    discard: vi.fn(),
    view: vi.fn(),
    ...overrides,
  };
  return value;
}

/** Wraps `ui` in a thread context. */
export function inThread(ui: ReactElement, value: ThreadContextValue): ReactElement {
  return <ThreadContext value={value}>{ui}</ThreadContext>;
}
