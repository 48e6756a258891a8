import { Box, Indicator, NavLink, Stack, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconInbox, IconMessages, IconUser, IconUsersGroup } from '@tabler/icons-react';
import { memo, useId } from 'react';
import type { InboxCounts } from '#contract/ipc/contract';
import { CountBadge, countSentence } from '../../../components/CountBadge';
import type { InboxViewOption } from '../inbox-views';

/** Props of {@link ViewNav}. */
export interface ViewNavProps {
  views: readonly InboxViewOption[];
  /** Key of the current view. */
  currentKey: string;
  /** Counts by view key (absent until read). */
  counts: Readonly<Record<string, InboxCounts>>;
  onChange(view: InboxViewOption): void;
  /** Icons only (the navigation is collapsed): names in tooltips, unread as a dot. */
  collapsed?: boolean;
}

const ICONS = { mine: IconUser, unassigned: IconInbox, all: IconMessages, team: IconUsersGroup } as const;

/**
 * The inbox views: Mine, Unassigned, All, then the teams, each with its unread count (the open
 * count is in the tooltip). A `nav` of buttons; the current one has `aria-current`. A button's
 * name is the view's name alone; "12 unread, 13 open" is its description. The names never wrap:
 * a long team name ends in "…" and its full text is the button's title.
 */
export const ViewNav = memo(function ViewNav({
  views,
  currentKey,
  counts,
  onChange,
  collapsed = false,
}: ViewNavProps) {
  const baseId = useId();
  const hasTeams = views.some((v) => v.view === 'team');
  return (
    <Box component="nav" aria-label="Views" p={collapsed ? 4 : 'xs'}>
      <Stack gap={2}>
        {views.map((v, i) => {
          const open = counts[v.key]?.tabs.open;
          const descId = `${baseId}-${i}`;
          const Icon = ICONS[v.view];
          const isFirstTeam = v.view === 'team' && views[i - 1]?.view !== 'team';
          return (
            <Box key={v.key}>
              {isFirstTeam && hasTeams && !collapsed && (
                <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pt="sm" pb={4}>
                  Teams
                </Text>
              )}
              {collapsed ? (
                <Tooltip
                  label={open ? `${v.label}: ${countSentence(open.unread, open.total, 'open')}` : v.label}
                  position="right"
                  withArrow
                >
                  <NavLink
                    component="button"
                    type="button"
                    aria-label={v.label}
                    active={v.key === currentKey}
                    aria-current={v.key === currentKey ? 'page' : undefined}
                    aria-describedby={descId}
                    label={
                      <Indicator disabled={!open?.unread} size={8} offset={2} aria-hidden>
                        <Icon size={20} aria-hidden />
                      </Indicator>
                    }
                    onClick={() => onChange(v)}
                    styles={{ body: { display: 'flex', justifyContent: 'center' } }}
                  />
                </Tooltip>
              ) : (
                <NavLink
                  component="button"
                  type="button"
                  label={v.label}
                  active={v.key === currentKey}
                  aria-current={v.key === currentKey ? 'page' : undefined}
                  aria-describedby={descId}
                  leftSection={<Icon size={18} aria-hidden />}
                  title={v.label}
                  rightSection={
                    open ? <CountBadge unread={open.unread} total={open.total} totalNoun="open" /> : null
                  }
                  onClick={() => onChange(v)}
                  styles={{ label: { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' } }}
                />
              )}
              <VisuallyHidden id={descId}>
                {open ? countSentence(open.unread, open.total, 'open') : 'Counting…'}
              </VisuallyHidden>
            </Box>
          );
        })}
      </Stack>
    </Box>
  );
});
