import { Box, NavLink, Tooltip } from '@mantine/core';
import { IconSettings } from '@tabler/icons-react';

/**
 * The navigation's "Settings" item, under the inbox views; icon-only with a tooltip when the
 * navigation is collapsed (its accessible name stays "Settings").
 */
export function SettingsNavItem({
  active,
  onClick,
  collapsed = false,
}: {
  active: boolean;
  onClick(): void;
  collapsed?: boolean;
}) {
  const link = (
    <NavLink
      component="button"
      type="button"
      label={collapsed ? <IconSettings size={20} aria-hidden /> : 'Settings'}
      aria-label={collapsed ? 'Settings' : undefined}
      active={active}
      aria-current={active ? 'page' : undefined}
      leftSection={collapsed ? undefined : <IconSettings size={18} aria-hidden />}
      onClick={onClick}
      styles={collapsed ? { body: { display: 'flex', justifyContent: 'center' } } : undefined}
    />
  );
  return (
    <Box component="nav" aria-label="Settings" px={collapsed ? 4 : 'xs'} pb="xs">
      {collapsed ? (
        <Tooltip label="Settings" position="right" withArrow>
          {link}
        </Tooltip>
      ) : (
        link
      )}
    </Box>
  );
}
