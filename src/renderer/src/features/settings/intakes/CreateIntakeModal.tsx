import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { CreateIntakeBody, type IntakeWithSecret } from '#contract/api/intakes';
import type { Template } from '#contract/api/templates';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { useLabels, useParleyClient, useTeams } from '../../../api';
import { CopyField } from '../components/CopyField';
import { ActionError } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';
import { useCreateOnce } from '../components/useCreateOnce';
import { bodyMapping, bodyVariables } from './template-fields';

interface Values {
  name: string;
  whatsappAccountId: string;
  teamId: string;
  labels: string[];
  templateId: string;
  /** Lead field per body variable. */
  fields: Record<string, string>;
}

const initial: Values = {
  name: '',
  whatsappAccountId: '',
  teamId: '',
  labels: [],
  templateId: '',
  fields: {},
};

/** The request body from the form (the shared schema checks it). */
export function intakeBody(values: Values, template: Template | undefined) {
  const body = template ? bodyMapping(bodyVariables(template), values.fields) : undefined;
  return CreateIntakeBody.safeParse({
    name: values.name,
    whatsappAccountId: values.whatsappAccountId,
    ...(values.teamId && { teamId: values.teamId }),
    labels: values.labels,
    ...(template && {
      template: { name: template.name, language: template.language, ...(body && { body }) },
    }),
  });
}

/**
 * "New intake": name, number, team, labels and an approved template of that number with the
 * lead field each of its variables takes. The URL and signing secret are shown once after.
 */
export function CreateIntakeModal({
  opened,
  numbers,
  onClose,
  onCreated,
}: {
  opened: boolean;
  numbers: WhatsAppAccount[];
  onClose(): void;
  onCreated(): void;
}) {
  const client = useParleyClient();
  const teams = useTeams() ?? [];
  const labels = useLabels() ?? [];
  const [templates, setTemplates] = useState<Template[]>([]);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: initial,
    validate: {
      name: (v) => (v.trim() ? null : 'Name the intake (e.g. "Website contact form")'),
      whatsappAccountId: (v) => (v ? null : 'Choose the number leads are greeted from'),
    },
  });
  const { created, error, setError, busy, close, create } = useCreateOnce<IntakeWithSecret>(
    form,
    onClose,
    onCreated,
  );
  const accountId = form.values.whatsappAccountId;
  useEffect(() => {
    if (!accountId) return;
    let live = true;
    void client.call('templates:list', { whatsappAccountId: accountId, status: 'APPROVED' }).then((r) => {
      if (live) setTemplates(r.ok ? r.value : []);
    });
    return () => {
      live = false;
    };
  }, [client, accountId]);
  const template = templates.find((t) => t.id === form.values.templateId);
  const variables = template ? bodyVariables(template) : [];

  const submit = form.onSubmit(async (values) => {
    setError(null);
    const parsed = intakeBody(values, template);
    if (!parsed.success) {
      form.setFieldError('name', parsed.error.issues[0]?.message ?? 'Check the form');
      return;
    }
    const failed = await create(() => client.call('admin:createIntake', parsed.data));
    if (!failed) return;
    const fields = fieldErrorsOf(failed);
    // The server names the template's parts (template, template.body.0…): show them on its field.
    for (const [k, m] of Object.entries(fields)) if (k.startsWith('template')) fields.templateId ??= m;
    if (Object.keys(fields).length) form.setErrors(fields);
    else setError(failed);
  });

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Intake created' : 'New lead intake'}
      size="lg"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {created ? (
        <Stack>
          <Text size="sm">
            Post leads to this URL, signed with the secret (HMAC-SHA256 of the body in X-Signature-256), or
            with an API key holding intake:write. See docs/intakes.md for examples.
          </Text>
          <CopyField label="Lead URL" value={created.url} />
          <CopyField label="Signing secret" value={created.secret} />
          <Alert color="yellow" variant="light" role="note">
            Shown only once: Parley keeps the secret only to check signatures. Copy it before you close this
            window; rotate it if it is lost.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form noValidate onSubmit={(e) => void submit(e)} aria-label="New lead intake">
          <Stack>
            <TextInput label="Name" required {...form.getInputProps('name')} />
            <Select
              label="WhatsApp number"
              required
              data={numbers.map((n) => ({
                value: n.id,
                label: `${n.name} (${n.displayPhoneNumber ?? n.phoneNumberId})`,
              }))}
              allowDeselect={false}
              {...form.getInputProps('whatsappAccountId')}
              onChange={(v) => {
                form.setFieldValue('whatsappAccountId', v ?? '');
                form.setFieldValue('templateId', '');
                form.setFieldValue('fields', {});
              }}
            />
            <Select
              label="Team"
              description="New leads’ conversations go to this team (empty: the triage queue)"
              clearable
              data={teams.map((t) => ({ value: t.id, label: t.name }))}
              {...form.getInputProps('teamId')}
              onChange={(v) => form.setFieldValue('teamId', v ?? '')}
            />
            <MultiSelect
              label="Labels"
              data={labels.map((l) => l.name)}
              searchable
              {...form.getInputProps('labels')}
            />
            <Select
              label="Greeting template"
              description={
                accountId
                  ? 'An approved template of this number; empty: no greeting'
                  : 'Choose a number first'
              }
              clearable
              disabled={!accountId}
              data={templates.map((t) => ({ value: t.id, label: `${t.name} (${t.language})` }))}
              {...form.getInputProps('templateId')}
              onChange={(v) => {
                form.setFieldValue('templateId', v ?? '');
                form.setFieldValue('fields', {});
              }}
            />
            {variables.map((v) => (
              <TextInput
                key={v}
                label={`Lead field for {{${v}}}`}
                placeholder="name"
                description="phone, name, email, externalId or any field the lead sends"
                {...form.getInputProps(`fields.${v}`)}
                value={form.values.fields[v] ?? ''}
              />
            ))}
            {error && <ActionError error={error} title="The intake was not created" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Create intake
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
