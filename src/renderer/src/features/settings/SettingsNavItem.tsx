import { Box, NavLink } from '@mantine/core';
import { IconSettings } from '@tabler/icons-react';

/** The navigation's "Settings" item, under the inbox views. */
export function SettingsNavItem({ active, onClick }: { active: boolean; onClick(): void }) {
  return (
    <Box component="nav" aria-label="Settings" px="xs" pb="xs" mt="auto">
      <NavLink
        component="button"
        type="button"
        label="Settings"
        active={active}
        aria-current={active ? 'page' : undefined}
        leftSection={<IconSettings size={18} aria-hidden />}
        onClick={onClick}
      />
    </Box>
  );
}
