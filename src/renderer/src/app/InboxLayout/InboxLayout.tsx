import { Box } from '@mantine/core';
import { useMemo, type Ref } from 'react';
import type { ConversationStatus } from '#contract/domain/messaging';
import {
  ListPane,
  type ConversationListHandle,
  type InboxApi,
  type SearchBoxHandle,
} from '../../features/inbox';
import { ResizeHandle } from '../../components/ResizeHandle';
import { LIST_ZONE_ATTRIBUTE } from '../../features/shortcuts';
import { useRenderedWidth } from '../../hooks/useRenderedWidth';
import { useStoredWidth, type WidthBounds } from '../../hooks/useStoredWidth';
import { ConversationPane } from './ConversationPane';
import './InboxLayout.css';

/**
 * The conversation list column's width (px): dragged by its edge, remembered. In a window too
 * narrow for it beside the conversation's minimum (InboxLayout.css) it shows narrower, down to
 * `min`, and is back at the remembered width once there is room again.
 */
export const LIST_COLUMN: WidthBounds = { initial: 340, min: 280, max: 560 };

/** Props of {@link InboxLayout}. */
export interface InboxLayoutProps {
  inbox: InboxApi;
  meId: string;
  now: number;
  searchRef: Ref<SearchBoxHandle>;
  listRef: Ref<ConversationListHandle>;
  /** Escape in an empty search box: back to the list. */
  onLeaveSearch(): void;
}

/** The main area: the list column (search, tabs, filters, list) and the conversation pane. */
export function InboxLayout({ inbox, meId, now, searchRef, listRef, onLeaveSearch }: InboxLayoutProps) {
  const { state, dispatch } = inbox;
  const [listWidth, setListWidth] = useStoredWidth('list', LIST_COLUMN);
  const [listRefCallback, renderedListWidth] = useRenderedWidth<HTMLDivElement>();
  // Stable handlers, so the memoized parts (search, tabs, filters, rows, the pane) skip
  // re-rendering when only the list's data changes.
  const handlers = useMemo(
    () => ({
      onTab: (tab: ConversationStatus) => dispatch({ type: 'tab', tab }),
      onToggleUnread: () => dispatch({ type: 'unread' }),
      onToggleImportant: () => dispatch({ type: 'important' }),
      onToggleWaiting: () => dispatch({ type: 'waiting' }),
      onLabel: (label: string | null) => dispatch({ type: 'label', label }),
      onSearch: (text: string) => dispatch({ type: 'search', text }),
      onClearFilters: () => {
        dispatch({ type: 'unread', value: false });
        dispatch({ type: 'important', value: false });
        dispatch({ type: 'label', label: null });
        dispatch({ type: 'waiting', value: false });
      },
      onSelect: (id: string) => dispatch({ type: 'select', id }),
      onOpen: (id: string) => dispatch({ type: 'open', id }),
      onClose: () => dispatch({ type: 'close' }),
    }),
    [dispatch],
  );
  return (
    <Box className="pa-inbox">
      <Box
        ref={listRefCallback}
        {...{ [LIST_ZONE_ATTRIBUTE]: '' }}
        h="100%"
        style={{ flex: `0 1 ${listWidth}px`, minWidth: LIST_COLUMN.min }}
      >
        <ListPane
          state={state}
          viewLabel={inbox.currentView.label}
          conversations={inbox.conversations}
          counts={inbox.counts[inbox.currentView.key]}
          memberNames={inbox.memberNames}
          memberAvailability={inbox.memberAvailability}
          meId={meId}
          now={now}
          onTab={handlers.onTab}
          onToggleUnread={handlers.onToggleUnread}
          onToggleImportant={handlers.onToggleImportant}
          onToggleWaiting={handlers.onToggleWaiting}
          onLabel={handlers.onLabel}
          onSearch={handlers.onSearch}
          onClearFilters={handlers.onClearFilters}
          onSelect={handlers.onSelect}
          onOpen={handlers.onOpen}
          searchRef={searchRef}
          listRef={listRef}
          onLeaveSearch={onLeaveSearch}
        />
      </Box>
      <ResizeHandle
        label="Resize the conversation list"
        width={Math.min(listWidth, renderedListWidth ?? listWidth)}
        min={LIST_COLUMN.min}
        max={LIST_COLUMN.max}
        onChange={setListWidth}
      />
      <ConversationPane conversationId={state.openId} onClose={handlers.onClose} />
    </Box>
  );
}
