import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ipc } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { FormFeedback, type Feedback } from '../FormFeedback';

type Field = 'currentPassword' | 'newPassword';

/** Props of {@link PasswordForm}. */
export interface PasswordFormProps {
  /** Changes the password; resolves to the outcome. */
  onChangePassword(input: { currentPassword: string; newPassword: string }): Promise<Result<unknown>>;
}

/** Changes the signed-in user's password (the server signs out their other sessions). */
export function PasswordForm({ onChangePassword }: PasswordFormProps) {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [isSaving, setIsSaving] = useState(false);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFeedback(null);
    const parsed = ipc['profile:changePassword'].input.safeParse({ currentPassword, newPassword });
    if (!parsed.success) {
      const next: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as Field;
        // zod's generic "too small" for an empty current password reads badly; say what to do.
        next[key] ??= key === 'currentPassword' ? 'Enter your current password' : issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    setIsSaving(true);
    const result = await onChangePassword(parsed.data);
    setIsSaving(false);
    if (result.ok) {
      setCurrentPassword('');
      setNewPassword('');
      setFeedback({
        kind: 'success',
        message: 'Your password is changed. Your other sessions were signed out.',
      });
    } else if (result.error.code === 'invalid_credentials') {
      setErrors({ currentPassword: 'That is not your current password' });
      setFeedback({ kind: 'error', title: 'Your password was not changed', message: result.error.message });
    } else {
      setFeedback({ kind: 'error', title: 'Your password was not changed', message: result.error.message });
    }
  };

  const clear = (field: Field) => setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));

  return (
    <form noValidate onSubmit={(e) => void handleSubmit(e)} aria-label="Password change">
      <Stack gap="sm">
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => {
            setCurrentPassword(e.currentTarget.value);
            clear('currentPassword');
          }}
          error={errors.currentPassword}
          // Mantine's PasswordInput does not set aria-invalid on the inner input itself.
          aria-invalid={errors.currentPassword ? true : undefined}
        />
        <PasswordInput
          label="New password"
          autoComplete="new-password"
          required
          description="At least 10 characters."
          value={newPassword}
          onChange={(e) => {
            setNewPassword(e.currentTarget.value);
            clear('newPassword');
          }}
          error={errors.newPassword}
          aria-invalid={errors.newPassword ? true : undefined}
        />
        <FormFeedback feedback={feedback} />
        <Group justify="flex-end">
          <Button type="submit" loading={isSaving}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
