import { Box, NavLink, Tooltip } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';

/** The navigation's "Reports" item (managers and admins), like the Settings item. */
export function ReportsNavItem({
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
      label={collapsed ? <IconChartBar size={20} aria-hidden /> : 'Reports'}
      aria-label={collapsed ? 'Reports' : undefined}
      active={active}
      aria-current={active ? 'page' : undefined}
      leftSection={collapsed ? undefined : <IconChartBar size={18} aria-hidden />}
      onClick={onClick}
      styles={collapsed ? { body: { display: 'flex', justifyContent: 'center' } } : undefined}
    />
  );
  return (
    <Box component="nav" aria-label="Reports" px={collapsed ? 4 : 'xs'}>
      {collapsed ? (
        <Tooltip label="Reports" position="right" withArrow>
          {link}
        </Tooltip>
      ) : (
        link
      )}
    </Box>
  );
}
