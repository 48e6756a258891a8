import { Button } from '@mantine/core';
import { IconArrowDown } from '@tabler/icons-react';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ThreadNote } from '#contract/ipc/contract';
import './Thread.css';
import type { ThreadRow } from './thread-rows';
import { ThreadRowView } from './ThreadRowView';

/** Distance from the bottom (px) that still counts as "at the bottom". */
const BOTTOM_SLACK = 48;
/** Distance from the top (px) at which older history is loaded. */
const TOP_PRELOAD = 400;

const ESTIMATES: Record<ThreadRow['kind'], number> = {
  history: 40,
  day: 40,
  unread: 40,
  message: 76,
  note: 72,
};

/**
 * The viewport's size; before layout (jsdom, a hidden pane) it reports 0, which would render
 * nothing, so the window's height stands in until a real size arrives.
 */
const observeRect: typeof observeElementRect = (instance, cb) =>
  observeElementRect(instance, (rect) =>
    cb(rect.height > 0 ? rect : { width: rect.width || window.innerWidth, height: window.innerHeight }),
  );

/** Props of {@link Thread}. */
export interface ThreadProps {
  /** Identifies the conversation; scroll state starts over when it changes. */
  conversationId: string;
  rows: ThreadRow[];
  history: { hasOlder: boolean; isLoadingOlder: boolean; historyError: string | null };
  onLoadOlder(): void;
  onRetryNote(note: ThreadNote): void;
  /** Called with true when the agent reaches the newest message (to mark it read). */
  onAtBottomChange?(isAtBottom: boolean): void;
  /** A message to scroll to; a new object each time it is asked for. */
  jump: { messageId: string } | null;
  /** The jump found its target, or cannot (not in the loaded history and none older). */
  onJumpSettled(found: boolean): void;
}

const isAtBottomOf = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;

/**
 * The virtualized thread: rows measured as they render (variable heights), the scroll position
 * anchored to the bottom (`anchorTo: 'end'`) so older pages prepend without a jump, following
 * new messages while the agent is at the bottom and showing a "New messages" pill otherwise.
 * The DOM holds only the rows on screen plus a margin, whatever the length of the history.
 */
export function Thread({
  conversationId,
  rows,
  history,
  onLoadOlder,
  onRetryNote,
  onAtBottomChange,
  jump,
  onJumpSettled,
}: ThreadProps) {
  const viewportRef = useRef<HTMLDivElement>(null);
  const [isAtBottom, setAtBottom] = useState(true);
  const [lastSeenKey, setLastSeenKey] = useState<string | null>(null);

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns functions React Compiler must not memoize; this component is not compiled.
  const virtualizer: Virtualizer<HTMLDivElement, HTMLDivElement> = useVirtualizer({
    count: rows.length,
    getScrollElement: () => viewportRef.current,
    estimateSize: (index) => ESTIMATES[rows[index]?.kind ?? 'message'],
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 6,
    paddingEnd: 12,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: BOTTOM_SLACK,
    observeElementRect: observeRect,
  });

  // First rows of a conversation: open at the unread marker, else at the newest message.
  const openedFor = useRef<string | null>(null);
  const hasRows = rows.length > 1;
  useEffect(() => {
    if (!hasRows || openedFor.current === conversationId) return;
    openedFor.current = conversationId;
    const unread = rows.findIndex((r) => r.kind === 'unread');
    if (unread >= 0) virtualizer.scrollToIndex(unread, { align: 'start' });
    else virtualizer.scrollToEnd();
  }, [conversationId, hasRows, rows, virtualizer]);

  const lastKey = rows.length > 0 ? rows[rows.length - 1]!.key : null;

  const handleScroll = useCallback(() => {
    const el = viewportRef.current;
    if (!el) return;
    const atBottom = isAtBottomOf(el);
    setAtBottom(atBottom);
    if (atBottom) setLastSeenKey(lastKey);
    onAtBottomChange?.(atBottom);
    if (el.scrollTop < TOP_PRELOAD && history.hasOlder && !history.isLoadingOlder && !history.historyError) {
      onLoadOlder();
    }
  }, [
    history.hasOlder,
    history.historyError,
    history.isLoadingOlder,
    lastKey,
    onAtBottomChange,
    onLoadOlder,
  ]);

  // While at the bottom, every new last row counts as seen (followOnAppend scrolls to it).
  useEffect(() => {
    const el = viewportRef.current;
    if (el && isAtBottomOf(el)) onAtBottomChange?.(true);
  }, [lastKey, onAtBottomChange]);

  // Jump to a quoted message: scroll when loaded, else load older pages until it is.
  useEffect(() => {
    if (!jump) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.key === jump.messageId);
    if (index >= 0) {
      virtualizer.scrollToIndex(index, { align: 'center' });
      onJumpSettled(true);
    } else if (history.hasOlder && !history.historyError) {
      if (!history.isLoadingOlder) onLoadOlder();
    } else if (!history.isLoadingOlder) {
      onJumpSettled(false);
    }
  }, [jump, rows, history, onLoadOlder, onJumpSettled, virtualizer]);

  const lastSeenIndex = lastSeenKey ? rows.findIndex((r) => r.key === lastSeenKey) : -1;
  const unseen =
    isAtBottom || lastSeenIndex < 0
      ? 0
      : rows.slice(lastSeenIndex + 1).filter((r) => r.kind === 'message' && r.message.direction === 'inbound')
          .length;

  const items = virtualizer.getVirtualItems();
  return (
    <div className="pv-thread-frame">
      <div
        ref={viewportRef}
        className="pv-thread-viewport"
        onScroll={handleScroll}
        tabIndex={0}
        role="region"
        aria-label="Messages"
      >
        <div className="pv-thread-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="pv-thread-item"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <ThreadRowView
                  row={row}
                  history={history}
                  onLoadOlder={onLoadOlder}
                  onRetryNote={onRetryNote}
                />
              </div>
            );
          })}
        </div>
      </div>
      {unseen > 0 && (
        <Button
          className="pv-thread-pill"
          radius="xl"
          size="xs"
          leftSection={<IconArrowDown size={14} aria-hidden />}
          onClick={() => virtualizer.scrollToEnd({ behavior: 'smooth' })}
          aria-label={`New messages (${unseen})`}
        >
          New messages ({unseen})
        </Button>
      )}
    </div>
  );
}
