import { Box, NavLink, Tooltip } from '@mantine/core';
import type { ComponentType } from 'react';

/** Props of {@link AreaNavItem}. */
export interface AreaNavItemProps {
  active: boolean;
  onClick(): void;
  collapsed?: boolean;
}

/**
 * One of the navigation's area items under the inbox views (Reports, Team workload, Settings):
 * a button in its own named `nav`, `aria-current` when its area shows, icon-only with a tooltip
 * when the navigation is collapsed (the accessible name stays the label).
 */
export function AreaNavItem({
  label,
  icon: Icon,
  active,
  onClick,
  collapsed = false,
  pb,
}: AreaNavItemProps & {
  label: string;
  icon: ComponentType<{ size?: number; 'aria-hidden'?: boolean }>;
  /** Space below (the last item keeps the list off the collapse button). */
  pb?: number | 'xs';
}) {
  const link = (
    <NavLink
      component="button"
      type="button"
      label={collapsed ? <Icon size={20} aria-hidden /> : label}
      aria-label={collapsed ? label : undefined}
      active={active}
      aria-current={active ? 'page' : undefined}
      leftSection={collapsed ? undefined : <Icon size={18} aria-hidden />}
      onClick={onClick}
      styles={collapsed ? { body: { display: 'flex', justifyContent: 'center' } } : undefined}
    />
  );
  return (
    <Box component="nav" aria-label={label} px={collapsed ? 4 : 'xs'} pb={pb}>
      {collapsed ? (
        <Tooltip label={label} position="right" withArrow>
          {link}
        </Tooltip>
      ) : (
        link
      )}
    </Box>
  );
}
