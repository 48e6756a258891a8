import {
  IconAlarm,
  IconMailOpened,
  IconMessageCircle,
  IconBell,
  IconCheck,
  IconClock,
  IconDeviceDesktop,
  IconInbox,
  IconKeyboard,
  IconMoon,
  IconRefresh,
  IconSearch,
  IconChartBar,
  IconSettings,
  IconStar,
  IconSun,
  IconUserCheck,
  IconUserPlus,
  IconUserX,
} from '@tabler/icons-react';
import { useMemo } from 'react';
import type { SessionUser } from '#contract/api/auth';
import { atLeast } from '#contract/domain/roles';
import type { ThemeMode } from '#contract/ipc/contract';
import type { Command } from '../../features/command-palette';
import { contactLabel, STATUS_TABS, type InboxApi } from '../../features/inbox';

/** What the palette's commands act on. */
export interface AppCommandDeps {
  /** Build the list only while the palette is open (it changes with every list update). */
  enabled: boolean;
  user: Pick<SessionUser, 'id' | 'role'>;
  inbox: InboxApi;
  setTheme(mode: ThemeMode): void;
  focusSearch(): void;
  openHelp(): void;
  openOutbox(): void;
  openNotificationSettings(): void;
  openSettings(): void;
  /** Opens Reports; absent for roles that may not see them (agents). */
  openReports?: () => void;
}

const NO_COMMANDS: Command[] = [];

const icon = (Glyph: typeof IconInbox) => <Glyph size={16} aria-hidden />;

const TAB_ICONS = {
  open: IconMessageCircle,
  pending: IconClock,
  snoozed: IconAlarm,
  resolved: IconCheck,
} as const;

/** Tomorrow at 9:00 local time, ISO 8601 with offset. */
function tomorrowMorning(now = new Date()): string {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d.toISOString();
}

/**
 * The command palette's commands: go to a view or tab, act on the selected (or open)
 * conversation (status, snooze, important, claim, assign), switch theme, open help, the
 * outbox or the notification settings. Assigning to others is offered to managers and admins;
 * agents get Claim on unassigned conversations (the server enforces both).
 */
export function useAppCommands(deps: AppCommandDeps): Command[] {
  const {
    enabled,
    user,
    inbox,
    setTheme,
    focusSearch,
    openHelp,
    openOutbox,
    openNotificationSettings,
    openSettings,
    openReports,
  } = deps;
  const { views, state, dispatch, members, setStatus, toggleImportant, assign, claim } = inbox;
  const target =
    inbox.selected ??
    (state.openId ? inbox.conversations.items.find((c) => c.id === state.openId) : undefined);

  return useMemo(() => {
    if (!enabled) return NO_COMMANDS;
    const out: Command[] = [];
    for (const v of views) {
      out.push({
        id: `view:${v.key}`,
        group: 'Go to',
        label: `Go to ${v.label}`,
        keywords: v.view === 'team' ? 'team view inbox' : 'view inbox',
        icon: icon(IconInbox),
        run: () => dispatch({ type: 'view', view: v.view, teamId: v.teamId ?? null }),
      });
    }
    STATUS_TABS.forEach((t, i) =>
      out.push({
        id: `tab:${t.value}`,
        group: 'Go to',
        label: `Show ${t.label}`,
        keywords: 'tab status',
        hint: String(i + 1),
        icon: icon(TAB_ICONS[t.value]),
        run: () => dispatch({ type: 'tab', tab: t.value }),
      }),
    );
    out.push(
      {
        id: 'search',
        group: 'Go to',
        label: 'Search conversations',
        hint: '/',
        icon: icon(IconSearch),
        run: focusSearch,
      },
      {
        id: 'filter:unread',
        group: 'Go to',
        label: state.unread ? 'Show read and unread' : 'Only unread',
        keywords: 'filter',
        icon: icon(IconMailOpened),
        hint: 'U',
        run: () => dispatch({ type: 'unread' }),
      },
      {
        id: 'filter:important',
        group: 'Go to',
        label: state.important ? 'Show all, not only important' : 'Only important',
        keywords: 'filter starred',
        icon: icon(IconStar),
        run: () => dispatch({ type: 'important' }),
      },
    );

    // Acting on the selected conversation is what the palette is most often for: list it first.
    const conv: Command[] = [];
    if (target) {
      const group = `Conversation with ${contactLabel(target)}`;
      const id = target.id;
      if (target.status !== 'resolved')
        conv.push({
          id: 'status:resolved',
          group,
          label: 'Resolve',
          keywords: 'status close done',
          hint: 'E',
          icon: icon(IconCheck),
          run: () => void setStatus(id, 'resolved'),
        });
      if (target.status !== 'open')
        conv.push({
          id: 'status:open',
          group,
          label: 'Reopen',
          keywords: 'status open',
          icon: icon(IconRefresh),
          run: () => void setStatus(id, 'open'),
        });
      if (target.status !== 'pending')
        conv.push({
          id: 'status:pending',
          group,
          label: 'Mark pending',
          keywords: 'status wait',
          icon: icon(IconClock),
          run: () => void setStatus(id, 'pending'),
        });
      conv.push(
        {
          id: 'snooze:1h',
          group,
          label: 'Snooze for 1 hour',
          keywords: 'status later',
          icon: icon(IconAlarm),
          run: () => void setStatus(id, 'snoozed', new Date(Date.now() + 3_600_000).toISOString()),
        },
        {
          id: 'snooze:tomorrow',
          group,
          label: 'Snooze until tomorrow 9:00',
          keywords: 'status later',
          icon: icon(IconAlarm),
          run: () => void setStatus(id, 'snoozed', tomorrowMorning()),
        },
        {
          id: 'snooze:reply',
          group,
          label: 'Snooze until the customer replies',
          keywords: 'status later',
          icon: icon(IconAlarm),
          run: () => void setStatus(id, 'snoozed', null),
        },
        {
          id: 'important',
          group,
          label: target.important ? 'Remove important' : 'Mark important',
          keywords: 'star flag',
          hint: 'I',
          icon: icon(IconStar),
          run: () => void toggleImportant(id),
        },
      );
      if (atLeast(user.role, 'manager')) {
        if (target.assigneeId !== user.id)
          conv.push({
            id: 'assign:me',
            group,
            label: 'Assign to me',
            keywords: 'take claim',
            icon: icon(IconUserCheck),
            run: () => void assign(id, user.id),
          });
        for (const m of members ?? []) {
          if (m.deactivatedAt || m.id === user.id || m.id === target.assigneeId) continue;
          conv.push({
            id: `assign:${m.id}`,
            group,
            label: `Assign to ${m.name}`,
            keywords: `reassign transfer ${m.email}`,
            icon: icon(IconUserPlus),
            run: () => void assign(id, m.id),
          });
        }
        if (target.assigneeId)
          conv.push({
            id: 'assign:none',
            group,
            label: 'Unassign',
            keywords: 'assign nobody queue',
            icon: icon(IconUserX),
            run: () => void assign(id, null),
          });
      } else if (!target.assigneeId) {
        conv.push({
          id: 'claim',
          group,
          label: 'Claim (assign to me)',
          keywords: 'take assign',
          icon: icon(IconUserCheck),
          run: () => void claim(id),
        });
      }
    }

    out.push(
      {
        id: 'theme:light',
        group: 'Theme',
        label: 'Light theme',
        keywords: 'switch appearance',
        icon: icon(IconSun),
        run: () => setTheme('light'),
      },
      {
        id: 'theme:dark',
        group: 'Theme',
        label: 'Dark theme',
        keywords: 'switch appearance night',
        icon: icon(IconMoon),
        run: () => setTheme('dark'),
      },
      {
        id: 'theme:system',
        group: 'Theme',
        label: 'System theme',
        keywords: 'switch appearance auto',
        icon: icon(IconDeviceDesktop),
        run: () => setTheme('system'),
      },
      {
        id: 'help',
        group: 'Help',
        label: 'Keyboard shortcuts',
        keywords: 'keys help',
        hint: '?',
        icon: icon(IconKeyboard),
        run: openHelp,
      },
      {
        id: 'outbox',
        group: 'Help',
        label: 'Open the outbox',
        keywords: 'pending failed retry unsent',
        icon: icon(IconInbox),
        run: openOutbox,
      },
      {
        id: 'settings',
        group: 'Go to',
        label: 'Open settings',
        keywords: 'preferences admin members teams numbers whatsapp organization audit profile',
        hint: 'Mod+,',
        icon: icon(IconSettings),
        run: openSettings,
      },
      ...(openReports
        ? [
            {
              id: 'reports',
              group: 'Go to',
              label: 'Open reports',
              keywords: 'statistics analytics first response resolution time heatmap csv export',
              icon: icon(IconChartBar),
              run: openReports,
            },
          ]
        : []),
      {
        id: 'notifications',
        group: 'Help',
        label: 'Notification settings',
        keywords: 'sound alerts desktop',
        icon: icon(IconBell),
        run: openNotificationSettings,
      },
    );
    return [...conv, ...out];
  }, [
    enabled,
    views,
    state.unread,
    state.important,
    target,
    user,
    members,
    dispatch,
    setStatus,
    toggleImportant,
    assign,
    claim,
    setTheme,
    focusSearch,
    openHelp,
    openOutbox,
    openNotificationSettings,
    openSettings,
    openReports,
  ]);
}
