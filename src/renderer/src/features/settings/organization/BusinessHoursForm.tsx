import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { TimeInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { UpdateOrganizationBody, type Organization } from '#contract/api/organization';
import type { AppError } from '#contract/result';
import { ActionError } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';

// Settings > Organization: time zone, business hours per weekday (several intervals a day) and
// the away message (issue 12). Its own form and Save so the organization form above stays as it
// was; validated by the shared contract schema (`UpdateOrganizationBody`), whose issue paths are
// mapped back onto the fields, and the server's answer likewise.

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

type Interval = { from: string; to: string };
export type HoursValues = {
  timeZone: string;
  hoursEnabled: boolean;
  days: { open: boolean; intervals: Interval[] }[];
  awayEnabled: boolean;
  awayText: string;
  gapHours: number | string;
};

const NINE_TO_FIVE: Interval = { from: '09:00', to: '17:00' };

/** The form's values for an organization as the server answered it. */
export function valuesOf(org: Organization): HoursValues {
  return {
    timeZone: org.timeZone,
    hoursEnabled: org.businessHours !== null,
    days: WEEKDAYS.map((_, i) => {
      const day = org.businessHours?.[i] ?? (i < 5 ? [NINE_TO_FIVE] : []);
      return { open: day.length > 0, intervals: day.length > 0 ? day : [NINE_TO_FIVE] };
    }),
    awayEnabled: org.awayMessage.enabled,
    awayText: org.awayMessage.text ?? '',
    gapHours: org.awayMessage.gapMinutes / 60,
  };
}

/** The PATCH body for the form's values. */
export function bodyOf(v: HoursValues) {
  return {
    timeZone: v.timeZone,
    businessHours: v.hoursEnabled ? v.days.map((d) => (d.open ? d.intervals : [])) : null,
    awayMessage: {
      enabled: v.awayEnabled,
      text: v.awayText.trim() === '' ? null : v.awayText,
      gapMinutes: Math.round(Number(v.gapHours) * 60),
    },
  };
}

/** A contract path (`businessHours.2.1.to`, `awayMessage.gapMinutes`) as the form field it names. */
export function fieldOf(path: string): string {
  const hours = /^businessHours\.(\d+)(?:\.(\d+)(?:\.(from|to))?)?$/.exec(path);
  if (hours) return `days.${hours[1]}.intervals.${hours[2] ?? 0}.${hours[3] ?? 'to'}`;
  if (path === 'awayMessage.text') return 'awayText';
  if (path === 'awayMessage.gapMinutes') return 'gapHours';
  if (path.startsWith('awayMessage')) return 'awayText';
  return path;
}

function validate(values: HoursValues): Record<string, string> {
  const parsed = UpdateOrganizationBody.safeParse(bodyOf(values));
  const errors: Record<string, string> = {};
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[fieldOf(issue.path.join('.'))] ??= issue.message;
  return errors;
}

export function BusinessHoursForm({
  org,
  onSaved,
  save,
}: {
  org: Organization;
  onSaved(org: Organization): void;
  save(
    body: ReturnType<typeof bodyOf>,
  ): Promise<{ ok: true; value: Organization } | { ok: false; error: AppError }>;
}) {
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const zones = useMemo(() => {
    const all = Intl.supportedValuesOf('timeZone');
    return all.includes('UTC') ? all : ['UTC', ...all];
  }, []);
  const form = useForm<HoursValues>({ mode: 'controlled', initialValues: valuesOf(org), validate });
  const { setValues, resetDirty } = form;
  useEffect(() => {
    setValues(valuesOf(org));
    resetDirty(valuesOf(org));
    // Only when a new answer arrives; the form's functions are stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [org]);

  const submit = form.onSubmit(async (values) => {
    setError(null);
    setSaved(false);
    setBusy(true);
    const r = await save(bodyOf(values));
    setBusy(false);
    if (!r.ok) {
      const fields = Object.fromEntries(
        Object.entries(fieldErrorsOf(r.error)).map(([k, m]) => [fieldOf(k), m]),
      );
      if (Object.keys(fields).length) form.setErrors(fields);
      else setError(r.error);
      return;
    }
    onSaved(r.value);
    setSaved(true);
  });
  const v = form.getValues();

  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label="Business hours and away message">
      <Stack maw={640} mt="xl">
        <Title order={3} size="h4">
          Business hours
        </Title>
        <Select
          label="Time zone"
          description="Business hours, report days and the reports' heatmap use it."
          searchable
          data={zones}
          allowDeselect={false}
          {...form.getInputProps('timeZone')}
        />
        <Switch
          label="Set business hours"
          description="Off: always open. On: reports count only time inside these hours, and the away message answers outside them."
          {...form.getInputProps('hoursEnabled', { type: 'checkbox' })}
        />
        {v.hoursEnabled && (
          <Table withRowBorders={false} verticalSpacing={4} aria-label="Opening hours per weekday">
            <Table.Tbody>
              {v.days.map((day, d) => (
                <Table.Tr key={WEEKDAYS[d]}>
                  <Table.Td w={140} style={{ verticalAlign: 'top', paddingTop: 10 }}>
                    <Checkbox
                      label={WEEKDAYS[d]}
                      {...form.getInputProps(`days.${d}.open`, { type: 'checkbox' })}
                    />
                  </Table.Td>
                  <Table.Td>
                    {day.open ? (
                      <Stack gap={4}>
                        {day.intervals.map((_, i) => (
                          <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
                            <TimeInput
                              aria-label={`${WEEKDAYS[d]} opens${i > 0 ? ` (${i + 1})` : ''}`}
                              {...form.getInputProps(`days.${d}.intervals.${i}.from`)}
                            />
                            <Text pt={6} aria-hidden>
                              –
                            </Text>
                            <TimeInput
                              aria-label={`${WEEKDAYS[d]} closes${i > 0 ? ` (${i + 1})` : ''}`}
                              {...form.getInputProps(`days.${d}.intervals.${i}.to`)}
                            />
                            {i > 0 ? (
                              <ActionIcon
                                variant="subtle"
                                color="gray"
                                mt={4}
                                aria-label={`Remove ${WEEKDAYS[d]} hours ${i + 1}`}
                                onClick={() => form.removeListItem(`days.${d}.intervals`, i)}
                              >
                                <IconX size={16} aria-hidden />
                              </ActionIcon>
                            ) : (
                              <ActionIcon
                                variant="subtle"
                                color="gray"
                                mt={4}
                                aria-label={`Add hours on ${WEEKDAYS[d]}`}
                                disabled={day.intervals.length >= 4}
                                onClick={() =>
                                  form.insertListItem(`days.${d}.intervals`, { from: '13:00', to: '17:00' })
                                }
                              >
                                <IconPlus size={16} aria-hidden />
                              </ActionIcon>
                            )}
                          </Group>
                        ))}
                      </Stack>
                    ) : (
                      <Text c="dimmed" pt={8} size="sm">
                        Closed
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Title order={3} size="h4" mt="md">
          Away message
        </Title>
        <Switch
          label="Send an away message outside business hours"
          description="Sent once, as the organization, when a customer writes outside business hours (only while the 24-hour window is open)."
          {...form.getInputProps('awayEnabled', { type: 'checkbox' })}
        />
        <Textarea
          label="Away message"
          autosize
          minRows={2}
          placeholder="Thanks for your message! We're closed now and will answer from 9:00."
          {...form.getInputProps('awayText')}
        />
        <NumberInput
          label="Not again to the same conversation within (hours)"
          min={1}
          max={168}
          w={320}
          {...form.getInputProps('gapHours')}
        />
        {error && <ActionError error={error} title="The business hours were not saved" />}
        {saved && (
          <div role="status">
            <span>Business hours saved.</span>
          </div>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Save business hours
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
