export {
  BusinessHoursIndicator,
  describeHours,
  type BusinessHoursIndicatorProps,
} from './BusinessHoursIndicator';
