import './ConversationList.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useRef,
  type KeyboardEvent,
  type Ref,
} from 'react';
import type { InboxConversation } from '#contract/ipc/contract';
import type { Availability } from '#contract/api/users';
import { warmFormatters } from '../conversation-format';
import { ConversationRow, rowDomId } from './ConversationRow';
import { handleSelectionKey } from './selection-keys';

/** Fixed row height (px): constant, so the virtualizer never measures. */
export const CONVERSATION_ROW_HEIGHT = 80;
/** Rows rendered above and below the viewport. */
const OVERSCAN = 4;
/** Ask for the next page when this few loaded rows remain below the viewport. */
const PREFETCH_ROWS = 15;

/** What the parent can do with the list. */
export interface ConversationListHandle {
  /** Moves keyboard focus into the list. */
  focus(): void;
}

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  items: readonly InboxConversation[];
  /** More pages exist after `items`. */
  hasMore: boolean;
  /** Called when the viewport nears the end of the loaded rows. */
  onLoadMore(): void;
  selectedId: string | null;
  /** The conversation shown in the conversation pane. */
  openId: string | null;
  onSelect(id: string): void;
  /** Enter on the selected row, or a click. */
  onOpen(id: string): void;
  /** Member names by id, for assignees. */
  memberNames: ReadonlyMap<string, string>;
  /** Member availabilities by id, for the assignee's dot. */
  memberAvailability?: ReadonlyMap<string, Availability>;
  /** The signed-in user's id. */
  meId: string;
  /** Search text to highlight. */
  highlight?: string;
  /** The clock (ms). */
  now: number;
  /** Id of an element describing the list (what it shows). */
  describedBy?: string;
  /** The list's imperative handle. */
  handleRef?: Ref<ConversationListHandle>;
  /** Rows checked for a bulk action; with `onCheck`, each row gets a selection cell. */
  checkedIds?: ReadonlySet<string>;
  /** A row's cell was clicked, or `x` pressed on it (`range`: Shift-click). */
  onCheck?(id: string, range: boolean): void;
  /** Ctrl/Cmd-A in the list. */
  onCheckAll?(): void;
  /** Escape in the list while rows are checked. */
  onClearChecked?(): void;
}

/**
 * The inbox's conversation list: a `listbox` named "Conversations", virtualized with a fixed
 * row height so the DOM holds only the rows in view plus a small overscan, whatever the count.
 * The listbox keeps focus and points at the selected row with `aria-activedescendant`; arrow
 * keys, Home/End and Page Up/Down move the selection, Enter opens it.
 *
 * Rows are keyed by slot (position modulo the pool of rendered rows), not by conversation:
 * a row scrolled out is reused for the row scrolled in, and a filter switch updates the rows
 * on screen in place, so neither creates DOM nor restyles new elements.
 * Memoized: a click on a tab or filter re-renders the panes around it, not the rows.
 */
export const ConversationList = memo(function ConversationList({
  items,
  hasMore,
  onLoadMore,
  selectedId,
  openId,
  onSelect,
  onOpen,
  memberNames,
  memberAvailability,
  meId,
  highlight,
  now,
  describedBy,
  handleRef,
  checkedIds,
  onCheck,
  onCheckAll,
  onClearChecked,
}: ConversationListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer's functions are not memoizable; this project does not run React Compiler,
  // and rows re-render only through their own memo() props.
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CONVERSATION_ROW_HEIGHT,
    overscan: OVERSCAN,
    getItemKey: (i) => items[i]?.id ?? i,
    // jsdom and the first frame have no layout yet: start with a typical viewport.
    initialRect: { width: 360, height: 720 },
  });
  useImperativeHandle(handleRef, () => ({ focus: () => scrollRef.current?.focus() }), []);

  // While the first page is on its way, build the date formatters its rows need.
  useEffect(() => {
    if (typeof requestIdleCallback !== 'function') {
      const timer = setTimeout(() => warmFormatters(), 0);
      return () => clearTimeout(timer);
    }
    const id = requestIdleCallback(() => warmFormatters());
    return () => cancelIdleCallback(id);
  }, []);

  const selectedIndex = selectedId ? items.findIndex((c) => c.id === selectedId) : -1;

  // Bring a newly selected row into view. Only when the selection changes: a live update that
  // moves the selected conversation must not yank the list while the agent reads it.
  const scrolledFor = useRef<string | null>(null);
  useEffect(() => {
    if (selectedId === scrolledFor.current || selectedIndex < 0) return;
    scrolledFor.current = selectedId;
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedId, selectedIndex, virtualizer]);

  const virtualRows = virtualizer.getVirtualItems();
  const isSelectedRendered = virtualRows.some((r) => r.index === selectedIndex);
  const lastRendered = virtualRows.length ? virtualRows[virtualRows.length - 1]!.index : -1;
  useEffect(() => {
    if (hasMore && lastRendered >= items.length - PREFETCH_ROWS) onLoadMore();
  }, [hasMore, lastRendered, items.length, onLoadMore]);

  const handleRowClick = useCallback(
    (id: string) => {
      onSelect(id);
      onOpen(id);
    },
    [onSelect, onOpen],
  );

  const handleKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (handleSelectionKey(e, { selectedId, checked: checkedIds, onCheck, onCheckAll, onClearChecked }))
      return;
    if (e.altKey || e.ctrlKey || e.metaKey || items.length === 0) return;
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? 0) / CONVERSATION_ROW_HEIGHT) - 1,
    );
    const last = items.length - 1;
    const from = selectedIndex;
    let to: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        to = from < 0 ? 0 : Math.min(last, from + 1);
        break;
      case 'ArrowUp':
        to = from < 0 ? 0 : Math.max(0, from - 1);
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = last;
        break;
      case 'PageDown':
        to = Math.min(last, Math.max(0, from) + page);
        break;
      case 'PageUp':
        to = Math.max(0, from - page);
        break;
      case 'Enter':
      case ' ':
        if (selectedId) {
          e.preventDefault();
          onOpen(selectedId);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    const target = items[to];
    if (target) onSelect(target.id);
  };

  // The slot pool only grows (a taller window), so keys stay put while scrolling.
  const pool = useRef(0);
  pool.current = Math.max(pool.current, virtualRows.length);
  const setSize = hasMore ? -1 : items.length;
  return (
    <div
      ref={scrollRef}
      className="pc-list"
      role="listbox"
      aria-label="Conversations"
      aria-describedby={describedBy}
      aria-activedescendant={isSelectedRendered && selectedId ? rowDomId(selectedId) : undefined}
      tabIndex={0}
      onKeyDown={handleKeyDown}
    >
      <div className="pc-spacer" role="presentation" style={{ height: virtualizer.getTotalSize() }}>
        {virtualRows.map((row) => {
          const c = items[row.index]!;
          return (
            <ConversationRow
              key={row.index % pool.current}
              conversation={c}
              index={row.index}
              setSize={setSize}
              start={row.start}
              height={CONVERSATION_ROW_HEIGHT}
              isSelected={c.id === selectedId}
              isOpen={c.id === openId}
              assigneeName={c.assigneeId ? (memberNames.get(c.assigneeId) ?? null) : null}
              isMine={c.assigneeId === meId}
              assigneeAvailability={c.assigneeId ? (memberAvailability?.get(c.assigneeId) ?? null) : null}
              highlight={highlight}
              now={now}
              onClick={handleRowClick}
              isChecked={checkedIds?.has(c.id) ?? false}
              onCheck={onCheck}
            />
          );
        })}
      </div>
    </div>
  );
});
