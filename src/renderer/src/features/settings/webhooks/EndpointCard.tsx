import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { WebhookDelivery, WebhookEndpoint } from '#contract/api/webhooks';
import type { AppError } from '#contract/result';
import { useParleyClient } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError } from '../components/Notices';
import { DeliveryLog } from './DeliveryLog';
import { describeAttempt, lastAttempt, STATE } from './describe';
import { SecretModal } from './SecretModal';
import { TestResult } from './TestResult';

type Confirming = 'rotate' | 'disable' | 'delete' | null;

/**
 * One endpoint: URL, events, state, last delivery; "Send test event" with the answer shown, the
 * delivery log, edit, secret rotation, disable/enable and delete (each destructive one confirms).
 */
export function EndpointCard({
  endpoint,
  onChanged,
  onDeleted,
  onEdit,
}: {
  endpoint: WebhookEndpoint;
  onChanged(e: WebhookEndpoint): void;
  onDeleted(id: string): void;
  onEdit(e: WebhookEndpoint): void;
}) {
  const client = useParleyClient();
  const { id, url } = endpoint;
  const [latest, setLatest] = useState<WebhookDelivery | null | undefined>(undefined);
  const [test, setTest] = useState<WebhookDelivery | null>(null);
  const [testing, setTesting] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const [version, setVersion] = useState(0);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<{ title: string; error: AppError } | null>(null);

  useEffect(() => {
    let live = true;
    void client.call('admin:listWebhookDeliveries', { id, limit: 1 }).then((r) => {
      if (live) setLatest(r.ok ? (r.value.data[0] ?? null) : null);
    });
    return () => {
      live = false;
    };
  }, [client, id, version]);

  const sendTest = async () => {
    setError(null);
    setTesting(true);
    const r = await client.call('admin:testWebhook', { id });
    setTesting(false);
    if (!r.ok) return setError({ title: 'The test event was not sent', error: r.error });
    setTest(r.value);
    setVersion((v) => v + 1);
  };
  const setEnabled = async (enabled: boolean) => {
    setError(null);
    const r = await client.call('admin:updateWebhook', { id, patch: { enabled } });
    if (r.ok) onChanged(r.value);
    else setError({ title: `The endpoint was not ${enabled ? 'enabled' : 'disabled'}`, error: r.error });
  };
  const rotate = async () => {
    setError(null);
    const r = await client.call('admin:rotateWebhookSecret', { id });
    if (!r.ok) return setError({ title: 'The secret was not rotated', error: r.error });
    onChanged(r.value);
    setSecret(r.value.secret);
  };
  const remove = async () => {
    setError(null);
    const r = await client.call('admin:deleteWebhook', { id });
    if (r.ok) onDeleted(id);
    else setError({ title: 'The endpoint was not deleted', error: r.error });
  };

  const last = latest ? lastAttempt(latest) : undefined;
  return (
    <Paper withBorder p="md" component="article" aria-label={url}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
              {url}
            </Text>
            {endpoint.description && (
              <Text size="sm" c="dimmed">
                {endpoint.description}
              </Text>
            )}
            <Text size="xs">
              Events: {endpoint.events.includes('*') ? 'all events' : endpoint.events.join(', ')}
            </Text>
          </Stack>
          {endpoint.enabled ? (
            <Badge color="green" variant="dot">
              Enabled
            </Badge>
          ) : (
            <Badge color="gray" variant="light">
              Disabled
            </Badge>
          )}
        </Group>
        {endpoint.disabledReason && (
          <Text size="sm" c="red">
            Parley disabled it: {endpoint.disabledReason}. Fix the receiver, then enable it again.
          </Text>
        )}
        <Text size="sm">
          Last delivery:{' '}
          {latest === undefined
            ? '…'
            : latest === null
              ? 'none yet'
              : `${latest.eventType}, ${STATE[latest.state].label.toLowerCase()}${last ? ` (${describeAttempt(last)})` : ''}, ${new Date(last?.at ?? latest.createdAt).toLocaleString()}`}
        </Text>
        {endpoint.previousSecretExpiresAt && (
          <Text size="xs" c="dimmed">
            The previous secret also signs until {new Date(endpoint.previousSecretExpiresAt).toLocaleString()}
            .
          </Text>
        )}
        <Group gap="xs">
          <Button
            size="xs"
            leftSection={<IconSend size={14} aria-hidden />}
            loading={testing}
            disabled={!endpoint.enabled}
            aria-label={`Send test event to ${url}`}
            onClick={() => void sendTest()}
          >
            Send test event
          </Button>
          <Button
            size="xs"
            variant="default"
            aria-expanded={showLog}
            aria-label={`${showLog ? 'Hide' : 'Show'} delivery log of ${url}`}
            onClick={() => setShowLog((s) => !s)}
          >
            {showLog ? 'Hide delivery log' : 'Show delivery log'}
          </Button>
          <Button size="xs" variant="default" aria-label={`Edit ${url}`} onClick={() => onEdit(endpoint)}>
            Edit
          </Button>
          <Button
            size="xs"
            variant="default"
            aria-label={`Rotate secret of ${url}`}
            onClick={() => setConfirming('rotate')}
          >
            Rotate secret
          </Button>
          {endpoint.enabled ? (
            <Button
              size="xs"
              variant="default"
              aria-label={`Disable ${url}`}
              onClick={() => setConfirming('disable')}
            >
              Disable
            </Button>
          ) : (
            <Button
              size="xs"
              variant="default"
              aria-label={`Enable ${url}`}
              onClick={() => void setEnabled(true)}
            >
              Enable
            </Button>
          )}
          <Button
            size="xs"
            variant="subtle"
            color="red"
            aria-label={`Delete ${url}`}
            onClick={() => setConfirming('delete')}
          >
            Delete
          </Button>
        </Group>
        {error && <ActionError error={error.error} title={error.title} />}
        {test && <TestResult delivery={test} />}
        {showLog && <DeliveryLog endpoint={endpoint} version={version} />}
      </Stack>
      <ConfirmDialog
        opened={confirming === 'rotate'}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        onClose={() => setConfirming(null)}
        onConfirm={rotate}
      >
        A new secret is created and shown once. The current secret keeps signing every delivery beside the new
        one for 24 hours; after that, receivers that still check the old secret reject Parley’s deliveries.
      </ConfirmDialog>
      <ConfirmDialog
        opened={confirming === 'disable'}
        title={`Disable ${url}?`}
        confirmLabel="Disable"
        onClose={() => setConfirming(null)}
        onConfirm={() => setEnabled(false)}
      >
        Parley stops sending to this endpoint: pending retries stop, and events that happen while it is
        disabled are not sent to it later. Enable it again at any time.
      </ConfirmDialog>
      <ConfirmDialog
        opened={confirming === 'delete'}
        title={`Delete ${url}?`}
        confirmLabel="Delete endpoint"
        onClose={() => setConfirming(null)}
        onConfirm={remove}
      >
        Parley stops sending to it at once and deletes its delivery log. This cannot be undone; to pause it
        instead, disable it.
      </ConfirmDialog>
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
    </Paper>
  );
}
