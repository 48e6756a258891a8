import { IconSettings } from '@tabler/icons-react';
import { AreaNavItem, type AreaNavItemProps } from '../../components/AreaNavItem/AreaNavItem';

/** The navigation's "Settings" item, under the inbox views and the other areas. */
export function SettingsNavItem(props: AreaNavItemProps) {
  return <AreaNavItem label="Settings" icon={IconSettings} pb="xs" {...props} />;
}
