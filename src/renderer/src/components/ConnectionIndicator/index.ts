export { ConnectionIndicator, type ConnectionIndicatorProps } from './ConnectionIndicator';
export { connectionLabel, formatTimeOfDay } from './connection-label';
