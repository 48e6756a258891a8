import { Alert, Badge, Button, Group, Loader, Popover, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCopy, IconInbox, IconRefresh, IconTemplate, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { OutboxItem, SyncStatus } from '#contract/ipc/contract';
import { useOutbox } from '../../../api';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { remedyFor } from '../../../components/format';
import { requestTemplate } from '../../composer';

/** Props of {@link OutboxTray}. */
export interface OutboxTrayProps {
  /** The connection state: its counts drive the button's badge. */
  status: SyncStatus;
  /** Opened from outside (the command palette). */
  opened?: boolean;
  onOpenedChange?(opened: boolean): void;
  /** Opens a conversation (for **Send a template** on a message refused after the window closed). */
  onOpenConversation?(conversationId: string): void;
}

const STATE_LABEL: Record<OutboxItem['state'], string> = {
  queued: 'Queued',
  sending: 'Sending',
  syncing: 'Confirming',
  failed: 'Failed',
};

const STATE_COLOR: Record<OutboxItem['state'], string> = {
  queued: 'gray',
  sending: 'blue',
  syncing: 'blue',
  failed: 'red',
};

function formatAt(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    notifications.show({ message: 'Copied', autoClose: 2000 });
  } catch {
    notifications.show({
      color: 'red',
      message: 'Could not copy: the system clipboard refused.',
      autoClose: 5000,
    });
  }
}

/**
 * The outbox tray: a header button **Outbox** with the number of writes not yet confirmed
 * (and failed ones in red), opening a popover that lists them with the reason (a sentence, the
 * code under Details), **Retry** only where it can work, **Send a template** for a message
 * refused after the reply window closed, **Discard** and **Copy text**. Nothing here waits on the network: the list is the local outbox.
 */
export function OutboxTray({
  status,
  opened: openedProp,
  onOpenedChange,
  onOpenConversation,
}: OutboxTrayProps) {
  const [openedState, setOpenedState] = useState(false);
  const opened = openedProp ?? openedState;
  const setOpened = (next: boolean) => {
    setOpenedState(next);
    onOpenedChange?.(next);
  };
  const { items, error, retry, discard } = useOutbox(opened);
  const failed = status.failedCount ?? 0;
  const waiting = status.outboxSize;
  // The badge's number comes right after "Outbox" in the name, so what is seen is what is heard
  // (axe label-content-name-mismatch; the badge shows the failed count first).
  const label = ['Outbox', failed ? `${failed} failed` : null, waiting ? `${waiting} waiting` : null]
    .filter(Boolean)
    .join(', ');

  const act = async (
    what: 'Retry' | 'Discard',
    run: () => Promise<{ ok: boolean; error?: { message: string } }>,
  ) => {
    const r = await run();
    if (!r.ok) notifications.show({ color: 'red', title: `${what} failed`, message: r.error?.message ?? '' });
  };

  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-end"
      width={420}
      shadow="md"
      trapFocus
      withinPortal
    >
      <Popover.Target>
        <Button
          variant="subtle"
          color="gray"
          leftSection={<IconInbox size={18} aria-hidden />}
          rightSection={
            waiting || failed ? (
              <Badge
                size="sm"
                circle={(failed || waiting) < 10}
                color={failed ? 'red' : 'gray'}
                variant="filled"
              >
                {/* A space, so "Outbox" and the number read as two words. */} {failed || waiting}
              </Badge>
            ) : null
          }
          aria-label={label}
          onClick={() => setOpened(!opened)}
        >
          Outbox
        </Button>
      </Popover.Target>
      <Popover.Dropdown aria-label="Outbox">
        <Stack gap="xs">
          <Title order={2} size="h5">
            Outbox
          </Title>
          <Text size="xs" c="dimmed">
            Changes made on this device that the server has not confirmed yet. They are sent in order as soon
            as Parley is online.
          </Text>
          {error && (
            <Alert color="red" title="The outbox could not be read">
              {error.message}
            </Alert>
          )}
          {!items && !error && <Loader size="sm" role="status" aria-label="Loading the outbox" />}
          {items?.length === 0 && (
            <Text size="sm" py="sm">
              Nothing waiting to send.
            </Text>
          )}
          {items && items.length > 0 && (
            <ScrollArea.Autosize mah={360} type="auto">
              <Stack
                gap="xs"
                component="ul"
                m={0}
                p={0}
                style={{ listStyle: 'none' }}
                aria-label="Waiting to send"
              >
                {items.map((item) => (
                  <Stack
                    key={item.mutationId}
                    component="li"
                    gap={4}
                    p="xs"
                    style={{
                      border: '1px solid var(--mantine-color-default-border)',
                      borderRadius: 'var(--mantine-radius-sm)',
                    }}
                  >
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text size="sm" fw={500} lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                        {item.summary}
                      </Text>
                      <Badge color={STATE_COLOR[item.state]} variant="light" style={{ flex: 'none' }}>
                        {STATE_LABEL[item.state]}
                      </Badge>
                    </Group>
                    {item.error && (
                      <ErrorNotice size="xs" message={item.error.message} code={item.error.code} />
                    )}
                    <Group justify="space-between" gap="xs">
                      <Text size="xs" c="dimmed">
                        {formatAt(item.createdAt)}
                      </Text>
                      <Group gap={4}>
                        {item.text && (
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            leftSection={<IconCopy size={12} aria-hidden />}
                            onClick={() => void copyText(item.text!)}
                          >
                            Copy text
                          </Button>
                        )}
                        {item.state === 'failed' &&
                          item.conversationId &&
                          onOpenConversation &&
                          remedyFor(item.error?.code, false) === 'template' && (
                            <Button
                              size="compact-xs"
                              variant="light"
                              leftSection={<IconTemplate size={12} aria-hidden />}
                              onClick={() => {
                                requestTemplate(item.conversationId!);
                                onOpenConversation(item.conversationId!);
                                setOpened(false);
                              }}
                            >
                              Send a template
                            </Button>
                          )}
                        {item.canRetry && (
                          <Button
                            size="compact-xs"
                            variant="light"
                            leftSection={<IconRefresh size={12} aria-hidden />}
                            onClick={() => void act('Retry', () => retry(item.mutationId))}
                          >
                            Retry
                          </Button>
                        )}
                        {item.canDiscard && (
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            color="red"
                            leftSection={<IconTrash size={12} aria-hidden />}
                            onClick={() => void act('Discard', () => discard(item.mutationId))}
                          >
                            Discard
                          </Button>
                        )}
                      </Group>
                    </Group>
                  </Stack>
                ))}
              </Stack>
            </ScrollArea.Autosize>
          )}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
