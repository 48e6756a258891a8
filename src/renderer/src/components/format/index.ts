export { formatBytes } from './format-bytes';
export { dayKey, formatClock, formatDateTime, formatDay } from './format-time';
export { messageSummary } from './message-summary';
