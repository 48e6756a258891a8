import { ActionIcon, AppShell, Box, Tooltip } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconLayoutSidebarLeftCollapse, IconLayoutSidebarLeftExpand } from '@tabler/icons-react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { SessionState } from '#contract/ipc/contract';
import { useBusinessHours, useSession, useSyncStatus } from '../../api';
import { CommandPalette } from '../../features/command-palette';
import {
  useInbox,
  useNow,
  ViewNav,
  type ConversationListHandle,
  type InboxViewOption,
  type SearchBoxHandle,
} from '../../features/inbox';
import {
  NotificationSettings,
  useDesktopAttention,
  useNewMessageAlerts,
  useUnreadTitle,
} from '../../features/notifications';
import { ProfileModal } from '../../features/profile';
import { ReportsArea, ReportsNavItem } from '../../features/reports';
import { SettingsArea, SettingsNavItem } from '../../features/settings';
import { ShortcutsDialog, useShortcuts } from '../../features/shortcuts';
import {
  useAvailability,
  useAvailabilityCommands,
  WorkloadArea,
  WorkloadNavItem,
} from '../../features/workload';
import { atLeast } from '#contract/domain/roles';
import { useStoredFlag } from '../../hooks/useStoredWidth';
import { useThemeMode } from '../../hooks/useThemeMode';
import { InboxLayout } from '../InboxLayout/InboxLayout';
import { AppHeader } from './AppHeader';
import { MemoryTokenNotice } from './MemoryTokenNotice';
import { useAppCommands } from './useAppCommands';

/** Props of {@link AppFrame}. */
export interface AppFrameProps {
  session: Extract<SessionState, { status: 'signed_in' }>;
}

/** Width of the views column (px), and collapsed to icons. */
const NAV_WIDTH = 220;
const NAV_COLLAPSED_WIDTH = 60;
/** Below this window width the navigation starts collapsed (the person's choice then sticks). */
const NAV_COLLAPSE_BELOW = 1000;
/**
 * Below this window width the navigation shows icons only, whatever was chosen: with its labels
 * (220 px), the narrowest list (280) and the conversation beside an open contact panel (555,
 * InboxLayout.css) need 1056 px.
 */
const NAV_LABELS_MIN_WINDOW = 1100;

/**
 * The signed-in window: header (organization, connection, outbox, user menu), the views
 * column, and the inbox (list and conversation). It wires the keyboard map, the command
 * palette, alerts and the unread count in the title to the inbox's state and actions.
 */
export function AppFrame({ session }: AppFrameProps) {
  const { user } = session;
  const { signOut } = useSession();
  const syncStatus = useSyncStatus();
  const businessHours = useBusinessHours();
  const { mode, setMode } = useThemeMode();
  const [isProfileOpen, profile] = useDisclosure(false);
  const [isHelpOpen, help] = useDisclosure(false);
  const [isPaletteOpen, palette] = useDisclosure(false);
  const [isNotificationsOpen, notificationSettings] = useDisclosure(false);
  const [isOutboxOpen, setOutboxOpen] = useState(false);
  const [isTokenNoticeDismissed, setTokenNoticeDismissed] = useState(false);
  // What the main column shows: the inbox, or the Settings area (navigation item, palette, Mod+,).
  const [area, setArea] = useState<'inbox' | 'settings' | 'reports' | 'workload'>('inbox');
  const openSettings = useCallback(() => setArea('settings'), []);
  // Reports (issue 13) are for managers and admins; the server refuses agents anyway.
  const mayReport = user.role === 'manager' || user.role === 'admin';
  const openReports = useCallback(() => setArea('reports'), []);
  const openWorkload = useCallback(() => setArea('workload'), []);
  const mayManage = atLeast(user.role, 'manager');
  const { availability, setAvailability } = useAvailability(user.id);
  const handleSetAvailability = useCallback(
    (a: 'available' | 'away') => void setAvailability(a),
    [setAvailability],
  );
  const [isNavCollapsedByChoice, setNavCollapsed] = useStoredFlag(
    'nav-collapsed',
    () => window.innerWidth < NAV_COLLAPSE_BELOW,
  );
  const isNarrowWindow = useMediaQuery(`(max-width: ${NAV_LABELS_MIN_WINDOW - 0.02}px)`, false, {
    getInitialValueInEffect: false,
  });
  const isNavCollapsed = isNavCollapsedByChoice || isNarrowWindow;
  const inbox = useInbox(user);
  const { state, dispatch } = inbox;
  const now = useNow();
  const searchRef = useRef<SearchBoxHandle>(null);
  const listRef = useRef<ConversationListHandle>(null);

  const open = useCallback((id: string) => dispatch({ type: 'open', id }), [dispatch]);
  useNewMessageAlerts({ meId: user.id, openId: state.openId, onOpen: open });

  // The title counts conversations waiting to be read where alerts go: Mine and Unassigned.
  const unread = (['mine', 'unassigned'] as const).reduce((sum, key) => {
    const tabs = inbox.counts[key]?.tabs;
    return sum + (tabs ? tabs.open.unread + tabs.pending.unread : 0);
  }, 0);
  useUnreadTitle(unread);
  useDesktopAttention(unread);

  const focusSearch = useCallback(() => searchRef.current?.focus(), []);
  const setTheme = useCallback((m: Parameters<typeof setMode>[0]) => void setMode(m), [setMode]);
  const openOutbox = useCallback(() => setOutboxOpen(true), []);
  const focusList = useCallback(() => listRef.current?.focus(), []);
  const dismissTokenNotice = useCallback(() => setTokenNoticeDismissed(true), []);
  const handleSignOut = useCallback(() => void signOut({ wipeReplica: false }), [signOut]);
  const handleViewChange = useCallback(
    (v: InboxViewOption) => {
      setArea('inbox');
      dispatch({ type: 'view', view: v.view, teamId: v.teamId ?? null });
    },
    [dispatch],
  );
  const availabilityCommands = useAvailabilityCommands({
    enabled: isPaletteOpen,
    availability,
    setAvailability: handleSetAvailability,
    openWorkload: mayManage ? openWorkload : undefined,
  });
  const appCommands = useAppCommands({
    enabled: isPaletteOpen,
    user,
    inbox,
    setTheme,
    focusSearch,
    openHelp: help.open,
    openOutbox,
    openNotificationSettings: notificationSettings.open,
    openSettings,
    openReports: mayReport ? openReports : undefined,
  });
  const commands = useMemo(
    () => [...availabilityCommands, ...appCommands],
    [availabilityCommands, appCommands],
  );

  useShortcuts(
    {
      next: () => inbox.moveSelection(1),
      previous: () => inbox.moveSelection(-1),
      open: inbox.openSelected,
      close: () => {
        if (state.openId) {
          dispatch({ type: 'close' });
          listRef.current?.focus();
        }
      },
      resolve: () => {
        if (inbox.selected && inbox.selected.status !== 'resolved')
          void inbox.setStatus(inbox.selected.id, 'resolved');
      },
      important: () => {
        if (inbox.selected) void inbox.toggleImportant(inbox.selected.id);
      },
      unreadFilter: () => dispatch({ type: 'unread' }),
      tabOpen: () => dispatch({ type: 'tab', tab: 'open' }),
      tabPending: () => dispatch({ type: 'tab', tab: 'pending' }),
      tabSnoozed: () => dispatch({ type: 'tab', tab: 'snoozed' }),
      tabResolved: () => dispatch({ type: 'tab', tab: 'resolved' }),
      search: focusSearch,
      help: help.open,
      palette: palette.toggle,
      settings: openSettings,
    },
    area === 'inbox',
  );
  // In Settings, Reports and the workload view only the keys that work anywhere: the inbox's
  // (J, K, E…) act on a hidden list.
  useShortcuts({ help: help.open, palette: palette.toggle }, area !== 'inbox');

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: isNavCollapsed ? NAV_COLLAPSED_WIDTH : NAV_WIDTH, breakpoint: 'xs' }}
      padding={0}
    >
      <AppHeader
        organizationName={user.organizationName}
        userName={user.name}
        syncStatus={syncStatus}
        businessHours={businessHours}
        themeMode={mode}
        isOutboxOpen={isOutboxOpen}
        onOutboxOpenChange={setOutboxOpen}
        onOpenConversation={open}
        onThemeChange={setTheme}
        onOpenProfile={profile.open}
        onOpenNotifications={notificationSettings.open}
        onOpenShortcuts={help.open}
        onOpenPalette={palette.open}
        onSignOut={handleSignOut}
        availability={availability}
        onSetAvailability={handleSetAvailability}
      />
      <AppShell.Navbar style={{ display: 'flex', flexDirection: 'column' }}>
        <Box style={{ flex: 1, minHeight: 0, overflowY: 'auto', overflowX: 'hidden' }}>
          <ViewNav
            views={inbox.views}
            currentKey={area === 'inbox' ? inbox.currentView.key : ''}
            counts={inbox.counts}
            onChange={handleViewChange}
            collapsed={isNavCollapsed}
          />
        </Box>
        {mayReport && (
          <ReportsNavItem active={area === 'reports'} onClick={openReports} collapsed={isNavCollapsed} />
        )}
        {mayManage && (
          <WorkloadNavItem active={area === 'workload'} onClick={openWorkload} collapsed={isNavCollapsed} />
        )}
        <SettingsNavItem active={area === 'settings'} onClick={openSettings} collapsed={isNavCollapsed} />
        <Box p={4} style={{ display: 'flex', justifyContent: isNavCollapsed ? 'center' : 'flex-end' }}>
          <Tooltip
            label={
              isNarrowWindow
                ? 'Widen the window to expand the navigation'
                : isNavCollapsed
                  ? 'Expand navigation'
                  : 'Collapse navigation'
            }
            position="right"
          >
            {/* The span keeps the tooltip (a disabled button gets no pointer events). */}
            <span style={{ display: 'inline-flex' }}>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={isNavCollapsed ? 'Expand navigation' : 'Collapse navigation'}
                aria-description={isNarrowWindow ? 'Widen the window to expand the navigation' : undefined}
                aria-expanded={!isNavCollapsed}
                disabled={isNarrowWindow}
                onClick={() => setNavCollapsed(!isNavCollapsed)}
              >
                {isNavCollapsed ? (
                  <IconLayoutSidebarLeftExpand size={18} aria-hidden />
                ) : (
                  <IconLayoutSidebarLeftCollapse size={18} aria-hidden />
                )}
              </ActionIcon>
            </span>
          </Tooltip>
        </Box>
      </AppShell.Navbar>
      <AppShell.Main h="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
        {session.tokenStorage === 'memory' && !isTokenNoticeDismissed && (
          <MemoryTokenNotice onDismiss={dismissTokenNotice} />
        )}
        <div style={{ flex: 1, minHeight: 0 }}>
          {area === 'reports' && mayReport ? (
            <ReportsArea online={syncStatus.state !== 'offline'} />
          ) : area === 'workload' && mayManage ? (
            <WorkloadArea role={user.role} online={syncStatus.state !== 'offline'} />
          ) : area === 'settings' ? (
            <SettingsArea
              user={user}
              online={syncStatus.state !== 'offline'}
              onOpenNotifications={notificationSettings.open}
            />
          ) : (
            <InboxLayout
              inbox={inbox}
              meId={user.id}
              now={now}
              searchRef={searchRef}
              listRef={listRef}
              onLeaveSearch={focusList}
            />
          )}
        </div>
      </AppShell.Main>
      <ProfileModal opened={isProfileOpen} onClose={profile.close} user={user} />
      <ShortcutsDialog opened={isHelpOpen} onClose={help.close} />
      <NotificationSettings opened={isNotificationsOpen} onClose={notificationSettings.close} />
      <CommandPalette opened={isPaletteOpen} onClose={palette.close} commands={commands} />
    </AppShell>
  );
}
