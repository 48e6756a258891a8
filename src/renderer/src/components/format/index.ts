export { formatBytes } from './format-bytes';
export { dayKey, formatClock, formatDateTime, formatDay } from './format-time';
export { MESSAGE_TYPE_LABEL, messageSummary } from './message-summary';
