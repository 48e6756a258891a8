import { IconChartBar } from '@tabler/icons-react';
import { AreaNavItem, type AreaNavItemProps } from '../../components/AreaNavItem/AreaNavItem';

/** The navigation's "Reports" item (managers and admins). */
export function ReportsNavItem(props: AreaNavItemProps) {
  return <AreaNavItem label="Reports" icon={IconChartBar} {...props} />;
}
