import { Progress, Select, Stack, Text, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { MessageUsage, Organization } from '#contract/api/organization';
import type { AppError, Result } from '#contract/result';
import { useParleyClient } from '../../../api';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { QuotaForm } from './QuotaForm';

/** The default-number picker's value for "none chosen" (an option, not Mantine's hidden clear button). */
const NONE = 'none';

const count = new Intl.NumberFormat('en-US');
const day = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** "1,234 of 10,000 messages this month", or the count alone when there is no quota. */
export function usageLine(u: MessageUsage): string {
  const sent = `${count.format(u.sent)} ${u.sent === 1 ? 'message' : 'messages'}`;
  return u.quota === null
    ? `${sent} this month · no monthly quota`
    : `${count.format(u.sent)} of ${count.format(u.quota)} messages this month`;
}

/** This month's outbound messages against the quota, with a bar when there is one. */
export function UsageMeter({ usage }: { usage: MessageUsage }) {
  // Whole percents: Mantine says the value as "N%" to screen readers.
  const share = usage.quota ? Math.min(100, Math.floor((usage.sent / usage.quota) * 100)) : 0;
  const color = share >= 100 ? 'red' : share >= 80 ? 'orange' : 'blue';
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {usageLine(usage)}
      </Text>
      {usage.quota !== null && (
        <Progress
          value={share}
          color={color}
          size="lg"
          aria-label="Messages sent this month against the monthly quota"
        />
      )}
      <Text size="xs" c="dimmed">
        {usage.quota !== null && usage.sent >= usage.quota
          ? `Sending is paused until ${day(usage.resetsAt)} (UTC). `
          : ''}
        The count starts again on {day(usage.resetsAt)} (UTC).
      </Text>
    </Stack>
  );
}

/** Props of {@link SendingSettings}. */
export interface SendingSettingsProps {
  org: Organization;
  save(
    body: { defaultWhatsappAccountId: string | null } | { monthlyMessageQuota: number | null },
  ): Promise<Result<Organization>>;
  onSaved(org: Organization): void;
}

/**
 * Where integrations send from (the default number), the organization's monthly message quota and
 * this month's use of it (issue 10). The default number is saved as soon as it is chosen.
 */
export function SendingSettings({ org, save, onSaved }: SendingSettingsProps) {
  const client = useParleyClient();
  const loadNumbers = useCallback(() => client.call('admin:listNumbers'), [client]);
  const loadUsage = useCallback(() => client.call('admin:getUsage'), [client]);
  const numbers = useRemote(loadNumbers, true);
  const usage = useRemote(loadUsage, true);
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);

  const live = (numbers.data ?? []).filter(
    (n) => n.status !== 'disconnected' || n.id === org.defaultWhatsappAccountId,
  );
  const choose = async (id: string | null) => {
    if (id === org.defaultWhatsappAccountId) return;
    setError(null);
    setSaved(false);
    const r = await save({ defaultWhatsappAccountId: id });
    if (!r.ok) return setError(r.error);
    onSaved(r.value);
    setSaved(true);
  };

  return (
    <section aria-labelledby="sending-title">
      <Stack maw={640} mt="xl">
        <Title id="sending-title" order={3} size="h4">
          Sending
        </Title>
        {numbers.error && !numbers.data ? (
          <LoadError error={numbers.error} onRetry={() => void numbers.reload()} what="WhatsApp numbers" />
        ) : (
          <Select
            label="Default number"
            description="Integrations send from it when they name no number. With none chosen, they use the only connected number."
            placeholder="Loading numbers…"
            allowDeselect={false}
            disabled={!numbers.data}
            data={[
              { value: NONE, label: 'None chosen' },
              ...live.map((n) => ({
                value: n.id,
                label: n.displayPhoneNumber ? `${n.name} (${n.displayPhoneNumber})` : n.name,
              })),
            ]}
            value={numbers.data ? (org.defaultWhatsappAccountId ?? NONE) : null}
            onChange={(v) => void choose(v === null || v === NONE ? null : v)}
          />
        )}
        {error && <ActionError error={error} title="The default number was not changed" />}
        {saved && (
          <div role="status">
            <span>Default number saved.</span>
          </div>
        )}
        <Title order={4} size="h6">
          Messages this month
        </Title>
        {usage.error && !usage.data ? (
          <LoadError error={usage.error} onRetry={() => void usage.reload()} what="this month’s usage" />
        ) : !usage.data ? (
          <Loading what="this month’s usage" />
        ) : (
          <UsageMeter usage={usage.data} />
        )}
        <QuotaForm
          org={org}
          save={save}
          onSaved={(next) => {
            onSaved(next);
            // The quota in force changed: the usage line and bar follow.
            void usage.reload();
          }}
        />
      </Stack>
    </section>
  );
}
