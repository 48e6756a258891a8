import { Badge, Box, VisuallyHidden } from '@mantine/core';
import type { SyncStatus } from '#contract/ipc/contract';
import { connectionColor, connectionLabel } from './connection-label';

/** Props of {@link ConnectionIndicator}. */
export interface ConnectionIndicatorProps {
  status: SyncStatus;
}

/**
 * The header's connection state: a coloured dot plus words (never colour alone). It is a
 * polite live region, so a screen reader hears "Connection: Offline since 10:42" when it
 * changes. Pending outbox items and the last error go in the element's title.
 */
export function ConnectionIndicator({ status }: ConnectionIndicatorProps) {
  const label = connectionLabel(status);
  const details = [
    status.outboxSize > 0
      ? `${status.outboxSize} change${status.outboxSize === 1 ? '' : 's'} waiting to send`
      : null,
    status.lastError,
  ].filter(Boolean);
  return (
    <Box
      role="status"
      aria-live="polite"
      aria-label={`Connection: ${label}`}
      title={details.join('. ') || undefined}
    >
      <Badge variant="dot" color={connectionColor[status.state]} size="lg" radius="sm" tt="none" fw={500}>
        <VisuallyHidden>Connection: </VisuallyHidden>
        {label}
      </Badge>
    </Box>
  );
}
