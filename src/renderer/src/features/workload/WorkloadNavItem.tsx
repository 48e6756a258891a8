import { Box, NavLink, Tooltip } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';

/** The navigation's "Team workload" item (managers, admins); icon-only when collapsed. */
export function WorkloadNavItem({
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
      label={collapsed ? <IconChartBar size={20} aria-hidden /> : 'Team workload'}
      aria-label={collapsed ? 'Team workload' : undefined}
      active={active}
      aria-current={active ? 'page' : undefined}
      leftSection={collapsed ? undefined : <IconChartBar size={18} aria-hidden />}
      onClick={onClick}
      styles={collapsed ? { body: { display: 'flex', justifyContent: 'center' } } : undefined}
    />
  );
  return (
    <Box component="nav" aria-label="Team workload" px={collapsed ? 4 : 'xs'} pb={4}>
      {collapsed ? (
        <Tooltip label="Team workload" position="right" withArrow>
          {link}
        </Tooltip>
      ) : (
        link
      )}
    </Box>
  );
}
