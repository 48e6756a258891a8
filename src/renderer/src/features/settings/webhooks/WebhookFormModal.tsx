import { Button, Checkbox, Group, Modal, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import {
  CreateWebhookBody,
  UpdateWebhookBody,
  WEBHOOK_EVENT_TYPES,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '#contract/api/webhooks';
import type { AppError } from '#contract/result';
import { useParleyClient } from '../../../api';
import { ActionError } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';
import { SecretField } from './SecretField';

interface Values {
  url: string;
  events: string[];
  description: string;
}

/** The form's errors from the shared schema (the server checks the URL's address again). */
export function validateWebhook(values: Values): Record<string, string> {
  const parsed = CreateWebhookBody.safeParse({ ...values, description: values.description || undefined });
  if (parsed.success) return {};
  const out: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string') out[field] ??= issue.message;
  }
  return out;
}

/**
 * Registers an endpoint (then shows its secret once) or edits one (`editing`): URL, the events
 * it receives ("All events" includes future ones), a description. Mounted per opening (the
 * parent keys it), so the form starts from the endpoint being edited.
 */
export function WebhookFormModal({
  editing,
  onClose,
  onSaved,
}: {
  editing: WebhookEndpoint | null;
  onClose(): void;
  onSaved(endpoint: WebhookEndpoint): void;
}) {
  const client = useParleyClient();
  const [created, setCreated] = useState<WebhookEndpointWithSecret | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: editing
      ? { url: editing.url, events: editing.events, description: editing.description ?? '' }
      : { url: '', events: [], description: '' },
    validate: validateWebhook,
  });
  const close = () => {
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    setError(null);
    setBusy(true);
    const r = editing
      ? await client.call('admin:updateWebhook', {
          id: editing.id,
          patch: UpdateWebhookBody.parse({ ...values, description: values.description || null }),
        })
      : await client.call(
          'admin:createWebhook',
          CreateWebhookBody.parse({ ...values, description: values.description || undefined }),
        );
    setBusy(false);
    if (r.ok) {
      onSaved(r.value);
      // Only a registration answers a secret: show it once; an edit just closes.
      const secret = 'secret' in r.value ? r.value.secret : undefined;
      if (typeof secret === 'string') setCreated({ ...r.value, secret });
      else close();
      return;
    }
    const fields: Record<string, string> = {};
    for (const [k, msg] of Object.entries(fieldErrorsOf(r.error))) fields[k.split('.')[0]!] ??= msg;
    if (Object.keys(fields).length) form.setErrors(fields);
    else setError(r.error);
  });

  const all = form.values.events.includes('*');
  return (
    <Modal
      opened
      onClose={close}
      size="lg"
      title={
        created ? 'Webhook endpoint added' : editing ? 'Edit webhook endpoint' : 'Add a webhook endpoint'
      }
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {created ? (
        <Stack>
          <SecretField secret={created.secret} />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form noValidate onSubmit={(e) => void submit(e)} aria-label="Webhook endpoint">
          <Stack>
            <TextInput
              label="Endpoint URL"
              description="An https:// address of your receiver, reachable from the internet."
              placeholder="https://example.com/parley/webhooks"
              required
              {...form.getInputProps('url')}
            />
            <Checkbox.Group label="Events" required {...form.getInputProps('events')}>
              <Stack gap="xs" mt="xs">
                <Checkbox value="*" label="All events" description="Including event types added later" />
                <SimpleGrid cols={2} spacing="xs">
                  {WEBHOOK_EVENT_TYPES.map((t) => (
                    <Checkbox key={t} value={t} label={t} disabled={all} />
                  ))}
                </SimpleGrid>
              </Stack>
            </Checkbox.Group>
            <Textarea
              label="Description"
              placeholder="What receives these events"
              autosize
              minRows={1}
              maxRows={4}
              {...form.getInputProps('description')}
            />
            {error && <ActionError error={error} title="The endpoint was not saved" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                {editing ? 'Save' : 'Add endpoint'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
