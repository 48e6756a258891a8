export { CountBadge, countSentence, type CountBadgeProps } from './CountBadge';
