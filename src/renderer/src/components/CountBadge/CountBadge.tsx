import { Badge, Box, Tooltip } from '@mantine/core';

/**
 * The one rule for counts in the inbox: a single number (unread) on screen, and the sentence
 * with both numbers ("12 unread, 13 open") in its tooltip and as the control's description.
 * Two bare numbers side by side ("12 13") read as noise to someone who has not been told which
 * is which.
 */
export function countSentence(unread: number, total: number, totalNoun: string): string {
  return `${unread} unread, ${total} ${totalNoun}`;
}

/** Props of {@link CountBadge}. */
export interface CountBadgeProps {
  unread: number;
  total: number;
  /** What the total counts ("open", "conversations"). */
  totalNoun: string;
  /** A dot instead of the number, where there is no room (the sentence stays the tooltip). */
  compact?: boolean;
}

/** The unread number (nothing when 0), with {@link countSentence} as its tooltip. */
export function CountBadge({ unread, total, totalNoun, compact = false }: CountBadgeProps) {
  if (unread <= 0) return null;
  return (
    <Tooltip label={countSentence(unread, total, totalNoun)} withArrow openDelay={300}>
      {compact ? (
        <Box
          aria-hidden
          w={8}
          h={8}
          bg="var(--mantine-primary-color-filled)"
          style={{ flex: 'none', borderRadius: '50%' }}
          data-count-dot
        />
      ) : (
        <Badge size="sm" variant="filled" circle={unread < 10} aria-hidden style={{ flex: 'none' }}>
          {unread > 999 ? '999+' : unread}
        </Badge>
      )}
    </Tooltip>
  );
}
