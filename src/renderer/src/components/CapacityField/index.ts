export { CapacityField } from './CapacityField';
