import { Button, Group, NumberInput, Stack } from '@mantine/core';
import { useState } from 'react';
import type { Organization } from '#contract/api/organization';
import type { AppError, Result } from '#contract/result';
import { ActionError } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';

const MAX_QUOTA = 1_000_000_000;

/** Why a typed quota cannot be saved, or null when it can ('' = the server's default). */
export function quotaError(value: string | number): string | null {
  if (value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n)) return 'Enter a whole number of messages';
  if (n < 1) return 'The quota is at least 1 message; leave the field empty for the server’s default';
  if (n > MAX_QUOTA) return 'The quota is at most 1,000,000,000 messages';
  return null;
}

/** Props of {@link QuotaForm}. */
export interface QuotaFormProps {
  org: Organization;
  save(body: { monthlyMessageQuota: number | null }): Promise<Result<Organization>>;
  onSaved(org: Organization): void;
}

/**
 * The organization's own monthly quota of outbound messages (admins): a whole number, or empty for
 * the server's default (`MONTHLY_MESSAGE_QUOTA`, no quota when the server sets none).
 */
export function QuotaForm({ org, save, onSaved }: QuotaFormProps) {
  const [value, setValue] = useState<string | number>(org.monthlyMessageQuota ?? '');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setError(null);
    setSaved(false);
    const problem = quotaError(value);
    setInvalid(problem);
    if (problem) return;
    setBusy(true);
    const r = await save({ monthlyMessageQuota: value === '' ? null : Number(value) });
    setBusy(false);
    if (!r.ok) {
      const field = fieldErrorsOf(r.error).monthlyMessageQuota;
      if (field) setInvalid(field);
      else setError(r.error);
      return;
    }
    onSaved(r.value);
    setSaved(true);
  };

  return (
    <form
      noValidate
      aria-label="Monthly message quota"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack>
        <NumberInput
          maw={320}
          label="Monthly message quota"
          description="Outbound messages per calendar month (UTC). Leave empty for the server’s default."
          placeholder="Server default"
          thousandSeparator=","
          hideControls
          value={value}
          error={invalid}
          onChange={(v) => {
            setValue(v);
            setInvalid(null);
            setSaved(false);
          }}
        />
        {error && <ActionError error={error} title="The quota was not changed" />}
        {saved && (
          <div role="status">
            <span>Quota saved.</span>
          </div>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Save quota
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
