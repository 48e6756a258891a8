import { Box } from '@mantine/core';
import { IconAlertCircle, IconCheck, IconChecks, IconClock } from '@tabler/icons-react';
import type { StatusLabel } from './message-status';

/** Props of {@link MessageStatusIcon}. */
export interface MessageStatusIconProps {
  status: StatusLabel;
  /** When the status was reached, for the tooltip. */
  at?: string | null;
}

const ICONS = {
  Queued: IconClock,
  Sent: IconCheck,
  Delivered: IconChecks,
  Read: IconChecks,
  Failed: IconAlertCircle,
} as const;

const COLORS: Record<StatusLabel, string> = {
  Queued: 'var(--mantine-color-dimmed)',
  Sent: 'var(--mantine-color-dimmed)',
  Delivered: 'var(--mantine-color-dimmed)',
  Read: 'var(--mantine-color-anchor)',
  Failed: 'var(--mantine-color-error)',
};

/**
 * The delivery state of an outbound message as an icon whose accessible name is exactly
 * Queued, Sent, Delivered, Read or Failed (the shape differs per state, never colour alone).
 */
export function MessageStatusIcon({ status, at }: MessageStatusIconProps) {
  const Icon = ICONS[status];
  const when = at ? new Date(at) : null;
  const title = when && !Number.isNaN(when.getTime()) ? `${status} ${when.toLocaleString()}` : status;
  return (
    <Box
      component="span"
      role="img"
      aria-label={status}
      title={title}
      display="inline-flex"
      c={COLORS[status]}
    >
      <Icon size={16} stroke={status === 'Read' ? 2.4 : 1.8} aria-hidden />
    </Box>
  );
}
