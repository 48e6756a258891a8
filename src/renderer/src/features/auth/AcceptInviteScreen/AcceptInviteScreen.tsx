import {
  Alert,
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { z } from 'zod';
import { Password, PersonName } from '#contract/api/common';
import { parseInviteLink } from '#contract/ipc/admin';
import type { AppError } from '#contract/result';
import { useParleyClient, useSession } from '../../../api';

const Schema = z.object({
  link: z.string().refine((l) => parseInviteLink(l) !== null, {
    message: 'Paste the whole invite link, such as https://parley.example.com/invite#…',
  }),
  name: PersonName,
  password: Password,
});

/** What a refused invitation means, in words, and who can help. */
export function inviteErrorMessage(error: AppError): string {
  if (error.code === 'not_found')
    return 'This invitation is invalid, already used or expired. Ask the admin who invited you for a new link.';
  if (error.code === 'conflict') return `${error.message}. Sign in instead.`;
  return error.message;
}

/** Props of {@link AcceptInviteScreen}. */
export interface AcceptInviteScreenProps {
  /** The invite link (pre-filled from the page address or a deep link; empty to paste one). */
  initialLink: string;
  /** Back to the sign-in screen. */
  onCancel(): void;
  /** Signed in: the invitation is used up. */
  onAccepted(): void;
}

/**
 * Accepting an invitation: the invite link (server and one-time token), a name and a password.
 * The server creates the account and signs it in; an expired or used link says so and who to ask.
 */
export function AcceptInviteScreen({ initialLink, onCancel, onAccepted }: AcceptInviteScreenProps) {
  const client = useParleyClient();
  const { refresh } = useSession();
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { link: initialLink, name: '', password: '' },
    validate: schemaResolver(Schema, { sync: true }),
  });
  const submit = form.onSubmit(async (values) => {
    const invite = parseInviteLink(values.link);
    if (!invite) return;
    setError(null);
    setBusy(true);
    const r = await client.call('session:acceptInvite', {
      ...invite,
      name: values.name.trim(),
      password: values.password,
    });
    setBusy(false);
    if (r.ok) {
      onAccepted();
      await refresh();
      return;
    }
    if (r.error.code === 'invalid_credentials') form.setFieldError('password', r.error.message);
    else setError(r.error);
  });
  return (
    <Center component="main" mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={460}>
        <Stack gap="lg">
          <div>
            <Title order={1} size="h2">
              Join your team on Parley
            </Title>
            <Text c="dimmed" size="sm" mt={4}>
              Choose the name your colleagues see and a password.
            </Text>
          </div>
          <form noValidate onSubmit={(e) => void submit(e)} aria-label="Accept the invitation">
            <Stack gap="md">
              <TextInput label="Invite link" required spellCheck={false} {...form.getInputProps('link')} />
              <TextInput
                label="Your name"
                required
                autoComplete="name"
                data-autofocus
                {...form.getInputProps('name')}
              />
              <PasswordInput
                label="Password"
                description="At least 10 characters."
                required
                autoComplete="new-password"
                {...form.getInputProps('password')}
                aria-invalid={form.errors.password ? true : undefined}
              />
              {error && (
                <Alert
                  color="red"
                  variant="light"
                  title="You have not joined yet"
                  icon={<IconAlertCircle aria-hidden />}
                >
                  {inviteErrorMessage(error)}
                </Alert>
              )}
              <Button type="submit" fullWidth loading={busy}>
                Join and sign in
              </Button>
              <Anchor component="button" type="button" size="sm" onClick={onCancel}>
                I already have an account: sign in
              </Anchor>
            </Stack>
          </form>
        </Stack>
      </Paper>
    </Center>
  );
}
