import { Tabs, VisuallyHidden } from '@mantine/core';
import { memo, useId, useRef } from 'react';
import type { ConversationStatus } from '#contract/domain/messaging';
import type { InboxCounts } from '#contract/ipc/contract';
import { CountBadge, countSentence } from '../../../components/CountBadge';
import { useOverflowLevel } from '../../../hooks/useOverflowLevel';
import { STATUS_TABS } from '../inbox-state';

/** The DOM id prefix of the tabs; a tab's id is `${STATUS_TABS_ID}-tab-${status}`. */
export const STATUS_TABS_ID = 'inbox-status';

/** Props of {@link StatusTabs}. */
export interface StatusTabsProps {
  value: ConversationStatus;
  onChange(tab: ConversationStatus): void;
  /** The current view's counts (absent until read). */
  counts: InboxCounts | undefined;
  /** Id of the panel the tabs control (the list). */
  panelId: string;
}

/**
 * The status tabs Open, Pending, Snoozed and Resolved, each with the current view's unread count
 * ("3 unread, 12 conversations" is the tab's description and tooltip; its name is the status
 * alone). The list never wraps and never clips: in a column too narrow for the four labels
 * and their counts the tabs become compact, step by step (tighter padding, the count as a dot,
 * smaller text, tighter still), measured like the conversation header (useOverflowLevel).
 */
export const StatusTabs = memo(function StatusTabs({ value, onChange, counts, panelId }: StatusTabsProps) {
  const baseId = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const noFlexible = useRef<HTMLElement>(null);
  const countsKey = STATUS_TABS.map((t) => counts?.tabs[t.value]?.unread ?? '').join('|');
  const level = useOverflowLevel({ row: listRef, flexible: noFlexible, minWidth: 0 }, 4, countsKey);
  return (
    <Tabs
      id={STATUS_TABS_ID}
      value={value}
      onChange={(next) => next && onChange(next as ConversationStatus)}
      activateTabWithKeyboard
    >
      <Tabs.List
        ref={listRef}
        aria-label="Status"
        data-compact={level || undefined}
        style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}
      >
        {STATUS_TABS.map((t) => {
          const c = counts?.tabs[t.value];
          const descId = `${baseId}-${t.value}`;
          return (
            <Tabs.Tab
              key={t.value}
              value={t.value}
              aria-controls={t.value === value ? panelId : undefined}
              aria-describedby={descId}
              px={level >= 4 ? 2 : level >= 1 ? 4 : 8}
              fz={level >= 3 ? 'xs' : undefined}
              rightSection={
                c ? (
                  <CountBadge
                    unread={c.unread}
                    total={c.total}
                    totalNoun="conversations"
                    compact={level >= 2}
                  />
                ) : null
              }
              style={{ flex: '1 0 auto', whiteSpace: 'nowrap' }}
            >
              {t.label}
            </Tabs.Tab>
          );
        })}
      </Tabs.List>
      {STATUS_TABS.map((t) => {
        const c = counts?.tabs[t.value];
        return (
          <VisuallyHidden key={t.value} id={`${baseId}-${t.value}`}>
            {c ? countSentence(c.unread, c.total, 'conversations') : 'Counting…'}
          </VisuallyHidden>
        );
      })}
    </Tabs>
  );
});
