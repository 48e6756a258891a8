import { Alert, Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { useState } from 'react';
import { CreateWhatsAppAccountBody, type WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import type { AppError } from '#contract/result';
import { useParleyClient } from '../../../api';
import { CopyField } from '../components/CopyField';
import { fieldErrorsOf } from '../components/server-errors';
import { useVerifiedAccount, VerificationStep } from './WebhookVerification';

/** A random verify token (URL-safe, 32 characters) the admin may keep or edit. */
export function generateVerifyToken(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** What Meta's refusal means for the person connecting, in words. */
export function explainConnectError(error: AppError): string {
  switch (error.code) {
    case 'meta_token_invalid':
      return `Meta refused the access token: ${error.message} Create a permanent system-user token with the whatsapp_business_messaging and whatsapp_business_management permissions.`;
    case 'unprocessable':
      return `Meta did not accept these details: ${error.message} Check the phone number ID and WhatsApp Business Account ID in the App Dashboard (WhatsApp → API Setup).`;
    case 'upstream_unavailable':
      return `Parley could not reach Meta to check the credentials: ${error.message} Try again in a minute.`;
    case 'conflict':
      return `${error.message} A number can be connected once.`;
    default:
      return error.message;
  }
}

interface Values {
  name: string;
  phoneNumberId: string;
  businessAccountId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

/**
 * "Connect number": the credentials (verified live by the server with Meta, whose refusal is
 * explained in words), then the webhook URL and verify token to paste into Meta's dashboard.
 */
export function ConnectNumberModal({
  opened,
  onClose,
  onConnected,
}: {
  opened: boolean;
  onClose(): void;
  onConnected(account: WhatsAppAccount): void;
}) {
  const client = useParleyClient();
  const [connected, setConnected] = useState<{ account: WhatsAppAccount; verifyToken: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The "waiting for Meta's verification… verified" step, live while the dialog shows it.
  const watched = useVerifiedAccount(connected?.account ?? null, opened && connected !== null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      name: '',
      phoneNumberId: '',
      businessAccountId: '',
      accessToken: '',
      appSecret: '',
      verifyToken: generateVerifyToken(),
    },
    validate: schemaResolver(CreateWhatsAppAccountBody, { sync: true }),
  });
  const close = () => {
    form.reset();
    form.setFieldValue('verifyToken', generateVerifyToken());
    setConnected(null);
    setError(null);
    onClose();
  };
  const submit = form.onSubmit(async (values) => {
    setError(null);
    setBusy(true);
    const body = CreateWhatsAppAccountBody.parse(values);
    const r = await client.call('admin:connectNumber', body);
    setBusy(false);
    if (r.ok) {
      setConnected({ account: r.value, verifyToken: body.verifyToken });
      onConnected(r.value);
      return;
    }
    const fields = fieldErrorsOf(r.error);
    if (Object.keys(fields).length) form.setErrors(fields);
    else setError(explainConnectError(r.error));
  });
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={connected ? 'Number connected' : 'Connect a WhatsApp number'}
      size="lg"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {connected ? (
        <Stack>
          <Text size="sm">
            Meta accepted the credentials of {connected.account.displayPhoneNumber ?? connected.account.name}.
            Last step: in Meta’s App Dashboard (WhatsApp → Configuration → Webhook), paste this callback URL
            and verify token, then subscribe to the <b>messages</b> field.
          </Text>
          <CopyField label="Webhook URL" value={connected.account.webhookUrl} />
          <CopyField label="Verify token" value={connected.verifyToken} />
          <VerificationStep account={watched ?? connected.account} />
          <Group justify="flex-end">
            <Button
              onClick={() => {
                if (watched) onConnected(watched);
                close();
              }}
            >
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <form noValidate onSubmit={(e) => void submit(e)} aria-label="Connect a WhatsApp number">
          <Stack>
            <TextInput
              label="Name"
              description="How the inbox shows this number, e.g. Support"
              required
              {...form.getInputProps('name')}
            />
            <TextInput label="Phone number ID" required {...form.getInputProps('phoneNumberId')} />
            <TextInput
              label="WhatsApp Business Account ID"
              required
              {...form.getInputProps('businessAccountId')}
            />
            <PasswordInput label="Access token" required {...form.getInputProps('accessToken')} />
            <PasswordInput
              label="App secret"
              description="Checks the signature of Meta’s webhooks"
              required
              {...form.getInputProps('appSecret')}
            />
            <Group align="flex-end" gap="xs">
              <TextInput
                label="Verify token"
                description="Generated for you; you may change it"
                required
                style={{ flex: 1 }}
                {...form.getInputProps('verifyToken')}
              />
              <Button
                variant="default"
                onClick={() => form.setFieldValue('verifyToken', generateVerifyToken())}
              >
                Generate
              </Button>
            </Group>
            {error && (
              <Alert color="red" variant="light" title="The number was not connected">
                {error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Verify and connect
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
