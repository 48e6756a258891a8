import { Button, Group, Stack, Switch, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { useCallback, useEffect, useState } from 'react';
import { OrganizationName, UpdateOrganizationBody } from '#contract/api/organization';
import type { AppError } from '#contract/result';
import { useParleyClient, useSession } from '../../../api';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';
import { useRemote } from '../components/useRemote';
import { BusinessHoursForm } from './BusinessHoursForm';
import { SendingSettings } from './SendingSettings';

const Schema = UpdateOrganizationBody.extend({ name: OrganizationName });

/**
 * The organization's name and the "agents see all team conversations" switch, business hours,
 * the default number and this month's message usage (admins).
 */
export function OrganizationSection() {
  const client = useParleyClient();
  const { refresh } = useSession();
  const load = useCallback(() => client.call('admin:getOrganization'), [client]);
  const org = useRemote(load, true);
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', agentsSeeAllTeamConversations: false },
    validate: schemaResolver(Schema, { sync: true }),
  });
  const { setValues, resetDirty } = form;
  useEffect(() => {
    if (!org.data) return;
    setValues({ name: org.data.name, agentsSeeAllTeamConversations: org.data.agentsSeeAllTeamConversations });
    resetDirty({
      name: org.data.name,
      agentsSeeAllTeamConversations: org.data.agentsSeeAllTeamConversations,
    });
    // Only when a new answer arrives; the form's functions are stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [org.data]);

  if (org.error && !org.data)
    return <LoadError error={org.error} onRetry={() => void org.reload()} what="the organization" />;
  if (!org.data) return <Loading what="the organization" />;

  const submit = form.onSubmit(async (values) => {
    setError(null);
    setSaved(false);
    setBusy(true);
    const r = await client.call('admin:updateOrganization', Schema.parse(values));
    setBusy(false);
    if (!r.ok) {
      const fields = fieldErrorsOf(r.error);
      if (Object.keys(fields).length) form.setErrors(fields);
      else setError(r.error);
      return;
    }
    org.setData(() => r.value);
    setSaved(true);
    // The header shows the organization's name from the session.
    await refresh();
  });

  return (
    <>
      <form noValidate onSubmit={(e) => void submit(e)} aria-label="Organization settings">
        <Stack maw={560}>
          <TextInput label="Organization name" required {...form.getInputProps('name')} />
          <Switch
            label="Agents see all team conversations"
            description="On: agents see every conversation of their teams. Off: only their own and their teams’ unassigned ones. Managers and admins see everything either way."
            {...form.getInputProps('agentsSeeAllTeamConversations', { type: 'checkbox' })}
          />
          {error && <ActionError error={error} title="The settings were not saved" />}
          {saved && (
            <div role="status">
              <span>Saved.</span>
            </div>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
      <BusinessHoursForm
        org={org.data}
        save={(body) => client.call('admin:updateOrganization', body)}
        onSaved={(next) => org.setData(() => next)}
      />
      <SendingSettings
        org={org.data}
        save={(body) => client.call('admin:updateOrganization', body)}
        onSaved={(next) => org.setData(() => next)}
      />
    </>
  );
}
