import { CloseButton, Group, List, Paper, Progress, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { progressSentence, type BulkProgress } from './bulk-runner';

/** Props of {@link BulkProgressNotice}. */
export interface BulkProgressNoticeProps {
  progress: BulkProgress;
  onDismiss(): void;
}

/**
 * The one notice of a bulk run: "Updating 12 conversations… 7 done" with a bar while it runs
 * (offline, it says the rest are queued), then the outcome and, when the server refused some,
 * which ones and why (each is also in the Outbox tray, where it can be retried or discarded).
 */
export function BulkProgressNotice({ progress: p, onDismiss }: BulkProgressNoticeProps) {
  const refused = p.failed.length > 0;
  const color = !p.finished ? undefined : refused ? 'orange' : 'teal';
  return (
    <Paper withBorder radius="sm" p={6} role="status" aria-label="Bulk action progress">
      <Group gap={6} wrap="nowrap" align="flex-start">
        {p.finished &&
          (refused ? (
            <IconAlertTriangle size={16} aria-hidden color="var(--mantine-color-orange-text)" />
          ) : (
            <IconCircleCheck size={16} aria-hidden color="var(--mantine-color-teal-text)" />
          ))}
        <div style={{ flex: 1, minWidth: 0 }}>
          <Text size="xs" c="dimmed">
            {p.label}
          </Text>
          <Text size="sm">{progressSentence(p)}</Text>
          {!p.finished && p.pending > 0 && (
            <Text size="xs" c="dimmed">
              {p.pending} queued on this device, waiting for the server
            </Text>
          )}
        </div>
        <CloseButton size="sm" aria-label="Dismiss bulk action notice" onClick={onDismiss} />
      </Group>
      <Progress
        mt={4}
        size="xs"
        color={color}
        value={p.total === 0 ? 100 : ((p.done + p.failed.length) / p.total) * 100}
        aria-hidden
      />
      {refused && (
        <List size="xs" mt={6} spacing={2} aria-label="Not updated">
          {p.failed.map((f) => (
            <List.Item key={f.conversationId}>
              <Text span size="xs" fw={600}>
                {f.name}
              </Text>
              <Text span size="xs">
                {' '}
                — {f.error}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Paper>
  );
}
