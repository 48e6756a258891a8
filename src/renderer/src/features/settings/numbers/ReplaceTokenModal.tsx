import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { useState } from 'react';
import { CreateWhatsAppAccountBody, type WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { useParleyClient } from '../../../api';
import { fieldErrorsOf } from '../components/server-errors';
import { explainConnectError } from './ConnectNumberModal';

const Schema = CreateWhatsAppAccountBody.pick({ accessToken: true });

/** Replaces a number's access token (verified with Meta before it is kept). */
export function ReplaceTokenModal({
  account,
  onClose,
  onReplaced,
}: {
  account: WhatsAppAccount | null;
  onClose(): void;
  onReplaced(account: WhatsAppAccount): void;
}) {
  const client = useParleyClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { accessToken: '' },
    validate: schemaResolver(Schema, { sync: true }),
  });
  const close = () => {
    form.reset();
    setError(null);
    onClose();
  };
  const submit = form.onSubmit(async (values) => {
    if (!account) return;
    setBusy(true);
    setError(null);
    const r = await client.call('admin:updateNumber', { id: account.id, patch: Schema.parse(values) });
    setBusy(false);
    if (r.ok) {
      onReplaced(r.value);
      close();
      return;
    }
    const fields = fieldErrorsOf(r.error);
    if (fields.accessToken) form.setErrors(fields);
    else setError(explainConnectError(r.error));
  });
  return (
    <Modal
      opened={account !== null}
      onClose={close}
      title={`Replace the access token of ${account?.name ?? ''}`}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form noValidate onSubmit={(e) => void submit(e)} aria-label="Replace access token">
        <Stack>
          <PasswordInput label="New access token" required {...form.getInputProps('accessToken')} />
          {error && (
            <Alert color="red" variant="light" title="The token was not replaced">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Verify and replace
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
