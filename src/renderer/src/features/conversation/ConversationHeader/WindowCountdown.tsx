import { Badge, Tooltip } from '@mantine/core';
import { IconClock, IconClockOff } from '@tabler/icons-react';
import { formatClock } from '../../../components/format';
import { useReplyWindow } from '../../../hooks/useReplyWindow';

/** Props of {@link WindowCountdown}. */
export interface WindowCountdownProps {
  windowExpiresAt: string | null;
}

/**
 * The 24-hour customer-service window as a live countdown ("Replies allowed for 3 h 12 min")
 * or "Window closed", computed locally from `windowExpiresAt` so it is right offline too.
 */
export function WindowCountdown({ windowExpiresAt }: WindowCountdownProps) {
  const window = useReplyWindow(windowExpiresAt);
  const isClosingSoon = window.isOpen && window.remainingMs < 60 * 60_000;
  const explanation = window.isOpen
    ? `WhatsApp allows free-form replies until ${formatClock(windowExpiresAt!)}, 24 hours after the customer's last message.`
    : windowExpiresAt
      ? "More than 24 hours since the customer's last message: WhatsApp only allows approved templates until they write again."
      : 'The customer has not written yet: WhatsApp only allows approved templates.';
  return (
    <Tooltip label={explanation} multiline w={280} withArrow>
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
      >
        {window.label}
      </Badge>
    </Tooltip>
  );
}
