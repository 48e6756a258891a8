import { Badge, Tooltip } from '@mantine/core';
import { IconClock, IconClockOff } from '@tabler/icons-react';
import { formatClock } from '../../../components/format';
import { formatRemaining, useReplyWindow } from '../../../hooks/useReplyWindow';

/** Props of {@link WindowCountdown}. */
export interface WindowCountdownProps {
  windowExpiresAt: string | null;
  /**
   * How much room the chip takes: the sentence ("Replies allowed for 3 h 12 min"), the time
   * alone ("3 h 12 min", "Closed") or the clock icon alone. The accessible name and the tooltip
   * always carry the whole sentence.
   */
  size?: 'full' | 'short' | 'icon';
}

/**
 * The 24-hour customer-service window as a live countdown ("Replies allowed for 3 h 12 min")
 * or "Window closed", computed locally from `windowExpiresAt` so it is right offline too.
 */
export function WindowCountdown({ windowExpiresAt, size = 'full' }: WindowCountdownProps) {
  const window = useReplyWindow(windowExpiresAt);
  const isClosingSoon = window.isOpen && window.remainingMs < 60 * 60_000;
  const explanation = window.isOpen
    ? `WhatsApp allows free-form replies until ${formatClock(windowExpiresAt!)}, 24 hours after the customer's last message.`
    : windowExpiresAt
      ? "More than 24 hours since the customer's last message: WhatsApp only allows approved templates until they write again."
      : 'The customer has not written yet: WhatsApp only allows approved templates.';
  const text =
    size === 'full'
      ? window.label
      : size === 'short'
        ? window.isOpen
          ? formatRemaining(window.remainingMs)
          : 'Closed'
        : null;
  return (
    <Tooltip
      label={size === 'full' ? explanation : `${window.label}. ${explanation}`}
      multiline
      w={280}
      withArrow
    >
      <Badge
        role="timer"
        aria-live="off"
        aria-label={`${window.label}. ${explanation}`}
        variant="default"
        leftSection={
          window.isOpen ? (
            <IconClock
              size={14}
              aria-hidden
              color={`var(--mantine-color-${isClosingSoon ? 'orange' : 'parley'}-7)`}
            />
          ) : (
            <IconClockOff size={14} aria-hidden color="var(--mantine-color-error)" />
          )
        }
        tt="none"
        size="lg"
        fw={600}
        tabIndex={0}
        px={text === null ? 6 : undefined}
        styles={text === null ? { section: { marginInlineEnd: 0 } } : undefined}
      >
        {text}
      </Badge>
    </Tooltip>
  );
}
