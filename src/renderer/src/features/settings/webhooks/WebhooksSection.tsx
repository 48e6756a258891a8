import { Button, Group, Stack, Text } from '@mantine/core';
import { IconWebhook } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { WebhookEndpoint } from '#contract/api/webhooks';
import { useParleyClient } from '../../../api';
import { LoadError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { EndpointCard } from './EndpointCard';
import { WebhookFormModal } from './WebhookFormModal';

/**
 * Webhooks (admins): the organization's endpoints, each with its last delivery, test event,
 * delivery log and management actions; add and edit in one form.
 */
export function WebhooksSection() {
  const client = useParleyClient();
  const load = useCallback(() => client.call('admin:listWebhooks'), [client]);
  const endpoints = useRemote(load, true);
  /** The form: 'new', an endpoint being edited, or closed. */
  const [form, setForm] = useState<WebhookEndpoint | 'new' | null>(null);

  const upsert = (e: WebhookEndpoint) =>
    endpoints.setData((list) =>
      list?.some((x) => x.id === e.id) ? list.map((x) => (x.id === e.id ? e : x)) : [...(list ?? []), e],
    );

  return (
    <Stack>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm" c="dimmed" maw={560}>
          Parley sends events (messages, conversations, contacts, numbers, templates) to these URLs as they
          happen, signed per Standard Webhooks and retried for about a day when a receiver fails.
        </Text>
        <Button leftSection={<IconWebhook size={16} aria-hidden />} onClick={() => setForm('new')}>
          Add endpoint
        </Button>
      </Group>
      {endpoints.error && !endpoints.data ? (
        <LoadError error={endpoints.error} onRetry={() => void endpoints.reload()} what="webhook endpoints" />
      ) : !endpoints.data ? (
        <Loading what="webhook endpoints" />
      ) : endpoints.data.length === 0 ? (
        <Text size="sm">No endpoints yet. Add one to have Parley tell your systems what happens.</Text>
      ) : (
        endpoints.data.map((e) => (
          <EndpointCard
            key={e.id}
            endpoint={e}
            onChanged={upsert}
            onEdit={setForm}
            onDeleted={(id) => endpoints.setData((list) => list?.filter((x) => x.id !== id))}
          />
        ))
      )}
      {form && (
        <WebhookFormModal
          key={form === 'new' ? 'new' : form.id}
          editing={form === 'new' ? null : form}
          onClose={() => setForm(null)}
          onSaved={upsert}
        />
      )}
    </Stack>
  );
}
