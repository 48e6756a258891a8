import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ipc } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { FormFeedback, type Feedback } from '../FormFeedback';

/** Props of {@link NameForm}. */
export interface NameFormProps {
  /** The current display name. */
  initialName: string;
  /** Saves the name; resolves to the outcome. */
  onSave(input: { name: string }): Promise<Result<unknown>>;
}

/** Changes the display name other members see. */
export function NameForm({ initialName, onSave }: NameFormProps) {
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | undefined>(undefined);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [isSaving, setIsSaving] = useState(false);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFeedback(null);
    const parsed = ipc['profile:update'].input.safeParse({ name });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Enter a name');
      return;
    }
    setError(undefined);
    setIsSaving(true);
    const result = await onSave(parsed.data);
    setIsSaving(false);
    setFeedback(
      result.ok
        ? { kind: 'success', message: 'Your name is saved.' }
        : { kind: 'error', title: 'Your name was not saved', message: result.error.message },
    );
  };

  return (
    <form noValidate onSubmit={(e) => void handleSubmit(e)} aria-label="Display name">
      <Stack gap="sm">
        <TextInput
          label="Name"
          autoComplete="name"
          required
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            setError(undefined);
          }}
          error={error}
          description="Shown to your teammates next to your replies and notes."
        />
        <FormFeedback feedback={feedback} />
        <Group justify="flex-end">
          <Button type="submit" loading={isSaving}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
