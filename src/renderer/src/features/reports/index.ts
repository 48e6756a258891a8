export { ReportsArea } from './ReportsArea';
export { ReportsNavItem } from './ReportsNavItem';
