import { IconScale } from '@tabler/icons-react';
import { AreaNavItem, type AreaNavItemProps } from '../../components/AreaNavItem/AreaNavItem';

/** The navigation's "Team workload" item (managers, admins). */
export function WorkloadNavItem(props: AreaNavItemProps) {
  return <AreaNavItem label="Team workload" icon={IconScale} pb={4} {...props} />;
}
