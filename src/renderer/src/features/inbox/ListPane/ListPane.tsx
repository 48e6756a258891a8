import { Alert, Box, Button, Center, EmptyState, Group, Loader, Stack, Text } from '@mantine/core';
import { IconArrowUp, IconFilterOff, IconMessages, IconSearch } from '@tabler/icons-react';
import { useMemo, type FocusEvent, type Ref } from 'react';
import type { ConversationStatus } from '#contract/domain/messaging';
import type { InboxCounts } from '#contract/ipc/contract';
import type { Availability } from '#contract/api/users';
import { useLabels, type ConversationsState } from '../../../api';
import { ConversationList, type ConversationListHandle } from '../ConversationList/ConversationList';
import { compareText } from '../conversation-format';
import { STATUS_TABS, type InboxState } from '../inbox-state';
import { QuickFilters } from '../QuickFilters/QuickFilters';
import { SearchBox, type SearchBoxHandle } from '../SearchBox/SearchBox';
import { STATUS_TABS_ID, StatusTabs } from '../StatusTabs/StatusTabs';
import { BulkControls } from '../bulk/BulkControls';
import { useListSelection } from '../selection/useListSelection';
import { useCalmList } from './use-calm-list';

/** The id of the list's tab panel. */
const PANEL_ID = 'inbox-list-panel';
/** How many label chips the filters offer at most. */
const MAX_LABEL_CHIPS = 8;

/** Props of {@link ListPane}. */
export interface ListPaneProps {
  state: InboxState;
  /** The current view's name ("Mine", a team's name). */
  viewLabel: string;
  conversations: ConversationsState;
  counts: InboxCounts | undefined;
  memberNames: ReadonlyMap<string, string>;
  /** Member availabilities by id, for the assignee's dot. */
  memberAvailability?: ReadonlyMap<string, Availability>;
  meId: string;
  now: number;
  onTab(tab: ConversationStatus): void;
  onToggleUnread(): void;
  onToggleImportant(): void;
  /** The "Waiting longest" sort chip (absent: no chip). */
  onToggleWaiting?(): void;
  onLabel(label: string | null): void;
  onSearch(text: string): void;
  onClearFilters(): void;
  onSelect(id: string): void;
  onOpen(id: string): void;
  searchRef?: Ref<SearchBoxHandle>;
  listRef?: Ref<ConversationListHandle>;
  /** Escape in an empty search box. */
  onLeaveSearch?(): void;
}

/** The middle column: search, status tabs, quick filters and the conversation list. */
export function ListPane({
  state,
  viewLabel,
  conversations,
  counts,
  memberNames,
  memberAvailability,
  meId,
  now,
  onTab,
  onToggleUnread,
  onToggleImportant,
  onToggleWaiting,
  onLabel,
  onSearch,
  onClearFilters,
  onSelect,
  onOpen,
  searchRef,
  listRef,
  onLeaveSearch,
}: ListPaneProps) {
  const { items } = conversations;
  const defined = useLabels();
  // The organization's labels first (most used in this list, then by name), then other label
  // text seen on conversations, most used first; the chosen one always stays offered.
  const labelKey = useMemo(() => {
    const freq = new Map<string, number>();
    for (const c of items) for (const l of c.labels) freq.set(l, (freq.get(l) ?? 0) + 1);
    const known = new Set((defined ?? []).map((l) => l.name));
    const byUse = (a: string, b: string) => (freq.get(b) ?? 0) - (freq.get(a) ?? 0) || compareText(a, b);
    const top = [
      ...[...known].sort(byUse),
      ...[...freq.keys()].filter((l) => !known.has(l)).sort(byUse),
    ].slice(0, MAX_LABEL_CHIPS);
    const all = state.label && !top.includes(state.label) ? [state.label, ...top] : top;
    const colors = Object.fromEntries((defined ?? []).map((l) => [l.name, l.color]));
    return JSON.stringify({ all, colors });
  }, [items, state.label, defined]);
  // Keyed by content, so the (memoized) filters re-render only when the offered labels change.
  const { all: labels, colors: labelColors } = useMemo(
    () => JSON.parse(labelKey) as { all: string[]; colors: Record<string, string> },
    [labelKey],
  );

  const tabLabel = STATUS_TABS.find((t) => t.value === state.tab)?.label ?? state.tab;
  const hasFilters = state.unread || state.important || state.label !== null || state.waiting;
  const search = state.search.trim();
  const summary = search
    ? `${items.length}${conversations.hasMore ? '+' : ''} ${items.length === 1 ? 'match' : 'matches'} for “${search}” in ${viewLabel} · ${tabLabel}`
    : `${viewLabel} · ${tabLabel}${hasFilters ? ' (filtered)' : ''}`;
  const queryKey = `${viewLabel}|${state.tab}|${state.unread}|${state.important}|${state.label ?? ''}|${state.waiting}|${search}`;
  const calm = useCalmList(items, queryKey);
  const selection = useListSelection(calm.shown, queryKey);
  const isEmpty =
    !conversations.isLoading && !conversations.isStale && items.length === 0 && !conversations.error;

  return (
    <Stack gap={0} h="100%" miw={0} component="section" aria-label="Conversation list">
      <Stack gap="xs" p="sm" pb={0}>
        <SearchBox onSearch={onSearch} handleRef={searchRef} onLeave={onLeaveSearch} />
        <StatusTabs value={state.tab} onChange={onTab} counts={counts} panelId={PANEL_ID} />
        <QuickFilters
          unread={state.unread}
          important={state.important}
          label={state.label}
          labels={labels}
          colors={labelColors}
          onToggleUnread={onToggleUnread}
          onToggleImportant={onToggleImportant}
          onLabel={onLabel}
          waiting={state.waiting}
          {...(onToggleWaiting && { onToggleWaiting })}
        />
      </Stack>
      {/* While the pointer is over the list (or its summary line and bulk controls, so reaching
          for the pill holds it too) or focus is in it, rows do not move (useCalmList). */}
      <Stack
        gap={0}
        style={{ flex: 1, minHeight: 0 }}
        onPointerEnter={calm.hold}
        onPointerLeave={(e) => {
          if (!e.currentTarget.contains(document.activeElement)) calm.release();
        }}
        onFocus={calm.hold}
        onBlur={(e: FocusEvent<HTMLDivElement>) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null) && !e.currentTarget.matches(':hover'))
            calm.release();
        }}
      >
        <Stack gap="xs" px="sm" pt="xs">
          {/* The "N new updates" pill sits in this line, not over the rows, where it hid the top
            row's name; the line's height is fixed so the pill coming and going moves no row. */}
          <Group gap="xs" wrap="nowrap" h={22}>
            <Text
              id="inbox-list-summary"
              size="xs"
              c="dimmed"
              aria-live="polite"
              truncate
              style={{ flex: 1, minWidth: 0 }}
            >
              {summary}
            </Text>
            {calm.pending > 0 && (
              <Button
                size="compact-xs"
                radius="xl"
                leftSection={<IconArrowUp size={12} aria-hidden />}
                onClick={calm.apply}
                style={{ flex: 'none' }}
              >
                {calm.pending === 1 ? '1 new update' : `${calm.pending} new updates`}
              </Button>
            )}
          </Group>
          <BulkControls selection={selection} knownLabels={labels} />
        </Stack>
        <Box
          id={PANEL_ID}
          role="tabpanel"
          aria-labelledby={`${STATUS_TABS_ID}-tab-${state.tab}`}
          style={{ flex: 1, minHeight: 0, position: 'relative' }}
          mt={6}
          aria-busy={conversations.isLoading || conversations.isStale || undefined}
        >
          {/* Always laid out (hidden, not display:none), so the virtualizer knows its viewport
            before the first rows arrive and paints them in the same frame. */}
          <Box h="100%" style={{ visibility: items.length === 0 ? 'hidden' : undefined }}>
            <ConversationList
              items={calm.shown}
              // While the next query is read, the rows on screen stay as they were (more to come),
              // so the click that switches the query re-renders none of them.
              hasMore={conversations.hasMore || conversations.isStale}
              onLoadMore={conversations.loadMore}
              selectedId={state.selectedId}
              openId={state.openId}
              onSelect={onSelect}
              onOpen={onOpen}
              memberNames={memberNames}
              memberAvailability={memberAvailability}
              meId={meId}
              highlight={search || undefined}
              now={now}
              describedBy="inbox-list-summary"
              handleRef={listRef}
              checkedIds={selection.ids}
              onCheck={selection.onCheck}
              onCheckAll={selection.onCheckAll}
              onClearChecked={selection.clear}
            />
          </Box>
          {(conversations.error || conversations.isLoading || isEmpty) && (
            <Box style={{ position: 'absolute', inset: 0, zIndex: 1 }}>
              {conversations.error && (
                <Alert color="red" m="sm" title="The list could not be read">
                  {conversations.error.message}
                </Alert>
              )}
              {conversations.isLoading && (
                <Center p="xl">
                  <Loader size="sm" role="status" aria-label="Loading conversations" />
                </Center>
              )}
              {isEmpty && (
                <EmptyState
                  mt="xl"
                  size="sm"
                  variant="light"
                  icon={
                    search ? (
                      <IconSearch aria-hidden />
                    ) : hasFilters ? (
                      <IconFilterOff aria-hidden />
                    ) : (
                      <IconMessages aria-hidden />
                    )
                  }
                  title={
                    search
                      ? `No ${tabLabel.toLowerCase()} conversations match “${search}”`
                      : hasFilters
                        ? 'Nothing matches these filters'
                        : `No ${tabLabel.toLowerCase()} conversations in ${viewLabel}`
                  }
                  description={
                    search
                      ? 'Try another tab or view, or fewer words.'
                      : hasFilters
                        ? undefined
                        : 'New customer messages appear here as they arrive.'
                  }
                >
                  {hasFilters && (
                    <Button size="xs" variant="light" onClick={onClearFilters}>
                      Clear filters
                    </Button>
                  )}
                </EmptyState>
              )}
            </Box>
          )}
        </Box>
      </Stack>
    </Stack>
  );
}
