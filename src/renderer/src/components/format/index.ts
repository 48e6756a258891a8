export { formatBytes } from './format-bytes';
export { dayKey, formatClock, formatDateTime, formatDay } from './format-time';
export { messageSummary } from './message-summary';
export { errorSentence, remedyFor, type Remedy } from './error-sentence';
