import { Badge, Box, VisuallyHidden } from '@mantine/core';
import { IconMoon } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { BusinessHoursRow } from '#contract/api/organization';
import { isOpenAt, nextOpening } from '#contract/domain/business-hours';

/** Props of {@link BusinessHoursIndicator}. */
export interface BusinessHoursIndicatorProps {
  /** The organization's hours from the replica; null/undefined before the first sync. */
  hours: BusinessHoursRow | null | undefined;
  /** The clock (tests); defaults to `Date.now`, checked every minute. */
  now?: () => number;
}

const DAY = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * What the header says about business hours: nothing while the organization is open (or has no
 * hours), "Outside business hours" otherwise, with when it opens (in the organization's time
 * zone) and whether the away message answers customers who write now. From the replica, so it
 * holds offline too.
 */
export function describeHours(hours: BusinessHoursRow | null | undefined, at: Date): string | null {
  if (!hours?.businessHours || isOpenAt(hours, at)) return null;
  const next = nextOpening(hours, at);
  const opens = next
    ? `Opens ${next.inDays === 0 ? 'today' : next.inDays === 1 ? 'tomorrow' : DAY[next.weekday]} at ${next.time} (${hours.timeZone}).`
    : null;
  const away = hours.awayMessage.enabled
    ? 'The away message answers customers who write now.'
    : 'The away message is off.';
  return [opens, away].filter(Boolean).join(' ');
}

/** The header's "outside business hours" state (a polite live region; words, never colour alone). */
export function BusinessHoursIndicator({ hours, now = Date.now }: BusinessHoursIndicatorProps) {
  // Re-render every minute so the state follows the clock (read at render time).
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  const details = describeHours(hours, new Date(now()));
  return (
    <Box role="status" aria-live="polite" aria-label="Business hours">
      {details && (
        <Badge
          variant="light"
          color="gray"
          size="lg"
          radius="sm"
          tt="none"
          fw={500}
          leftSection={<IconMoon size={14} aria-hidden />}
          title={details}
        >
          Outside business hours
          <VisuallyHidden>. {details}</VisuallyHidden>
        </Badge>
      )}
    </Box>
  );
}
