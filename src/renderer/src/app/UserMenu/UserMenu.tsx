import { Button, Group, Menu } from '@mantine/core';
import {
  IconBell,
  IconCheck,
  IconCommand,
  IconChevronDown,
  IconDeviceDesktop,
  IconKeyboard,
  IconLogout,
  IconMoon,
  IconSun,
  IconUser,
  IconUserCircle,
} from '@tabler/icons-react';
import type { Availability, ChosenAvailability } from '#contract/api/users';
import type { ThemeMode } from '#contract/ipc/contract';
import { AVAILABILITY_LABEL, AvailabilityDot, MemberAvatar } from '../../components/MemberAvatar';

const AVAILABILITY_CHOICES: ChosenAvailability[] = ['available', 'away'];

const THEME_CHOICES: { mode: ThemeMode; label: string; icon: typeof IconSun }[] = [
  { mode: 'light', label: 'Light', icon: IconSun },
  { mode: 'dark', label: 'Dark', icon: IconMoon },
  { mode: 'system', label: 'System', icon: IconDeviceDesktop },
];

/** Props of {@link UserMenu}. */
export interface UserMenuProps {
  userName: string;
  /** The stored theme preference, marked in the menu. */
  themeMode: ThemeMode | undefined;
  onThemeChange(mode: ThemeMode): void;
  onOpenProfile(): void;
  /** Opens the notification settings (absent: no item). */
  onOpenNotifications?(): void;
  /** Opens the keyboard shortcuts help (absent: no item). */
  onOpenShortcuts?(): void;
  /** Opens the command palette (absent: no item). */
  onOpenPalette?(): void;
  onSignOut(): void;
  /** Your availability as teammates see it (absent until the replica has your member row). */
  availability?: Availability | undefined;
  /** Sets yourself Available or Away (absent: no items). */
  onSetAvailability?(availability: ChosenAvailability): void;
}

/** The header's account menu: profile, notifications, help, theme and sign-out. */
export function UserMenu({
  userName,
  themeMode,
  onThemeChange,
  onOpenProfile,
  onOpenNotifications,
  onOpenShortcuts,
  onOpenPalette,
  onSignOut,
  availability,
  onSetAvailability,
}: UserMenuProps) {
  return (
    <Group gap={6} wrap="nowrap">
      {/* Outside the button: a button's children are presentational, and the dot must be read. */}
      {availability && <MemberAvatar name={userName} availability={availability} size={26} />}
      {/* No initial-focus placeholder: it is a focusable role="presentation" node inside
          role="menu", which axe rightly reports; focus goes to the first item instead. */}
      <Menu position="bottom-end" width={220} withinPortal withInitialFocusPlaceholder={false}>
        <Menu.Target>
          <Button
            variant="subtle"
            color="gray"
            aria-label={`User menu: ${userName}`}
            leftSection={availability ? undefined : <IconUserCircle size={20} aria-hidden />}
            rightSection={<IconChevronDown size={14} aria-hidden />}
          >
            {userName}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconUser size={16} aria-hidden />} onClick={onOpenProfile}>
            Profile
          </Menu.Item>
          {onOpenNotifications && (
            <Menu.Item leftSection={<IconBell size={16} aria-hidden />} onClick={onOpenNotifications}>
              Notifications
            </Menu.Item>
          )}
          {onOpenPalette && (
            <Menu.Item leftSection={<IconCommand size={16} aria-hidden />} onClick={onOpenPalette}>
              Command palette
            </Menu.Item>
          )}
          {onOpenShortcuts && (
            <Menu.Item leftSection={<IconKeyboard size={16} aria-hidden />} onClick={onOpenShortcuts}>
              Keyboard shortcuts
            </Menu.Item>
          )}
          {onSetAvailability && (
            <>
              <Menu.Divider />
              <Menu.Label>Availability</Menu.Label>
              {AVAILABILITY_CHOICES.map((a) => (
                <Menu.Item
                  key={a}
                  leftSection={
                    <span aria-hidden style={{ display: 'inline-flex' }}>
                      <AvailabilityDot name={userName} availability={a} size={10} />
                    </span>
                  }
                  rightSection={a === availability ? <IconCheck size={16} aria-hidden /> : null}
                  aria-current={a === availability ? 'true' : undefined}
                  onClick={() => onSetAvailability(a)}
                >
                  {AVAILABILITY_LABEL[a]}
                </Menu.Item>
              ))}
            </>
          )}
          <Menu.Divider />
          <Menu.Label>Theme</Menu.Label>
          {THEME_CHOICES.map(({ mode, label, icon: Icon }) => (
            <Menu.Item
              key={mode}
              leftSection={<Icon size={16} aria-hidden />}
              rightSection={mode === themeMode ? <IconCheck size={16} aria-hidden /> : null}
              // Mantine fixes role="menuitem", so the current choice is marked with aria-current.
              aria-current={mode === themeMode ? 'true' : undefined}
              onClick={() => onThemeChange(mode)}
            >
              {label}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={onSignOut}>
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
