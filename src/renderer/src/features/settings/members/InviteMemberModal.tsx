import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { useState } from 'react';
import { CreateUserBody, type CreateUserResponse } from '#contract/api/users';
import type { Role } from '#contract/domain/roles';
import type { AppError } from '#contract/result';
import { useParleyClient } from '../../../api';
import { CopyField } from '../components/CopyField';
import { ActionError } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';

export const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'manager', label: 'Manager' },
  { value: 'admin', label: 'Admin' },
];

interface Values {
  email: string;
  name: string;
  role: Role;
  mode: 'link' | 'password';
}

/**
 * Invites a member: a one-time link, or an account with a temporary password. The link or
 * password is shown once (the server keeps only a hash), with a copy button.
 */
export function InviteMemberModal({
  opened,
  onClose,
  onInvited,
}: {
  opened: boolean;
  onClose(): void;
  onInvited(): void;
}) {
  const client = useParleyClient();
  const [result, setResult] = useState<CreateUserResponse | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { email: '', name: '', role: 'agent', mode: 'link' },
    validate: schemaResolver(CreateUserBody, { sync: true }),
  });

  const close = () => {
    form.reset();
    setResult(null);
    setError(null);
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    setError(null);
    setBusy(true);
    const r = await client.call('admin:inviteMember', CreateUserBody.parse(values));
    setBusy(false);
    if (r.ok) {
      setResult(r.value);
      onInvited();
      return;
    }
    const fields = fieldErrorsOf(r.error);
    if (r.error.code === 'conflict' || r.error.code === 'email_taken') fields.email ??= r.error.message;
    if (Object.keys(fields).length) form.setErrors(fields);
    else setError(r.error);
  });

  return (
    <Modal
      opened={opened}
      onClose={close}
      title="Invite a member"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {result ? (
        <Stack>
          {result.mode === 'link' ? (
            <>
              <Text size="sm">
                Send this link to {result.invitation.name}. It works once, until{' '}
                {new Date(result.invitation.expiresAt).toLocaleString()}.
              </Text>
              <CopyField label="Invite link" value={result.inviteUrl} />
            </>
          ) : (
            <>
              <Text size="sm">
                {result.user.name} can sign in now as {result.user.email} with this password. Ask them to
                change it after signing in.
              </Text>
              <CopyField label="Temporary password" value={result.temporaryPassword} />
            </>
          )}
          <Alert color="yellow" variant="light" role="note">
            Shown only once: Parley keeps only a hash. Copy it before you close this window.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form noValidate onSubmit={(e) => void submit(e)} aria-label="Invite a member">
          <Stack>
            <TextInput label="E-mail" type="email" required {...form.getInputProps('email')} />
            <TextInput label="Name" required {...form.getInputProps('name')} />
            <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="invite-mode-label">
                How they join
              </Text>
              <SegmentedControl
                aria-labelledby="invite-mode-label"
                data={[
                  { value: 'link', label: 'Invite link' },
                  { value: 'password', label: 'Temporary password' },
                ]}
                {...form.getInputProps('mode')}
              />
            </Stack>
            {error && <ActionError error={error} title="The member was not invited" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Invite
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
