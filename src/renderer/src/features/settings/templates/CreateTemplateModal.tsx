import {
  Alert,
  Box,
  Button,
  Grid,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import {
  CreateTemplateBody,
  EditTemplateBody,
  exampleOrder,
  TEMPLATE_LIMITS,
  type Template,
} from '#contract/api/templates';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { useParleyClient } from '../../../api';
import { TemplatePreview, templateFields } from '../../../components/TemplatePreview';
import { fieldErrorsOf, describeError } from '../components/server-errors';
import {
  emptyTemplateForm,
  formKeyOf,
  previewTemplate,
  templateToForm,
  toCreateBody,
  toEditBody,
  validateTemplateForm,
  withExamples,
} from './template-form';
import { AuthenticationFields, ButtonRows } from './TemplateFormParts';
import { HeaderSampleField } from './HeaderSampleField';

/**
 * "Create template" and "Edit template": the shared schema validates as the admin types (the
 * server checks the same and Meta decides); the preview shows the message as the customer will
 * see it, with the examples. An edit keeps the number, name and language, and Meta reviews it again.
 */
export function CreateTemplateModal({
  opened,
  numbers,
  editing = null,
  onClose,
  onCreated,
}: {
  opened: boolean;
  /** Connected numbers a template can belong to. */
  numbers: WhatsAppAccount[];
  /** The template being edited; null to create one. */
  editing?: Template | null;
  onClose(): void;
  onCreated(t: Template): void;
}) {
  const client = useParleyClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const initial = () => (editing ? templateToForm(editing) : emptyTemplateForm(numbers[0]?.id));
  const form = useForm({ mode: 'controlled', initialValues: initial(), validate: validateTemplateForm });
  const v = form.getValues();
  const auth = v.category === 'AUTHENTICATION';
  const bodyVars = exampleOrder(v.bodyText, v.parameterFormat);
  const headerVars = v.headerFormat === 'TEXT' ? exampleOrder(v.headerText, v.parameterFormat) : [];
  const preview = previewTemplate(v);
  const title = editing ? `Edit template ${editing.name}` : 'Create a template';
  // Meta keeps an approved template's category, and an authentication template stays one.
  const categoryLocked =
    editing !== null && (editing.status === 'APPROVED' || editing.category === 'AUTHENTICATION');
  const sample = '123456';

  const close = () => {
    form.setValues(initial());
    form.clearErrors();
    setError(null);
    onClose();
  };
  const submit = form.onSubmit(async (values) => {
    setError(null);
    setBusy(true);
    const r = editing
      ? await client.call('admin:editTemplate', {
          id: editing.id,
          body: EditTemplateBody.parse(toEditBody(values)),
        })
      : await client.call('admin:createTemplate', CreateTemplateBody.parse(toCreateBody(values)));
    setBusy(false);
    if (r.ok) {
      onCreated(r.value);
      close();
      return;
    }
    const fields = Object.fromEntries(
      Object.entries(fieldErrorsOf(r.error)).map(([k, m]) => [formKeyOf(k), m]),
    );
    if (Object.keys(fields).length) form.setErrors(fields);
    else setError(describeError(r.error));
  });

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={title}
      size="xl"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form noValidate onSubmit={(e) => void submit(e)} aria-label={title}>
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack gap="sm">
              {editing && (
                <Text size="sm" c="dimmed">
                  Meta reviews the changes again; the template cannot be sent until it approves them. An
                  approved template can be edited once a day and ten times a month. Give the examples again:
                  Meta does not return them.
                </Text>
              )}
              <Group grow align="flex-start">
                <Select
                  label="WhatsApp number"
                  required
                  disabled={editing !== null}
                  allowDeselect={false}
                  data={numbers.map((n) => ({
                    value: n.id,
                    label: `${n.name} (${n.displayPhoneNumber ?? n.phoneNumberId})`,
                  }))}
                  {...form.getInputProps('whatsappAccountId')}
                />
                <Select
                  label="Category"
                  required
                  disabled={categoryLocked}
                  allowDeselect={false}
                  data={[
                    { value: 'UTILITY', label: 'Utility' },
                    { value: 'MARKETING', label: 'Marketing' },
                    { value: 'AUTHENTICATION', label: 'Authentication (one-time code)' },
                  ]}
                  {...form.getInputProps('category')}
                />
              </Group>
              <Group grow align="flex-start">
                <TextInput
                  label="Name"
                  description="Lowercase letters, digits and underscores"
                  required
                  disabled={editing !== null}
                  {...form.getInputProps('name')}
                />
                <TextInput
                  label="Language"
                  description="Meta’s code, such as en_US or pt_BR"
                  required
                  disabled={editing !== null}
                  {...form.getInputProps('language')}
                />
              </Group>
              {auth ? (
                <AuthenticationFields form={form} />
              ) : (
                <>
                  <Stack gap={4}>
                    <Text size="sm" fw={500} id="variables-label">
                      Variables
                    </Text>
                    <SegmentedControl
                      aria-labelledby="variables-label"
                      data={[
                        { value: 'POSITIONAL', label: 'Numbered {{1}}' },
                        { value: 'NAMED', label: 'Named {{first_name}}' },
                      ]}
                      {...form.getInputProps('parameterFormat')}
                    />
                  </Stack>
                  <Group grow align="flex-start">
                    <Select
                      label="Header"
                      allowDeselect={false}
                      data={[
                        { value: 'NONE', label: 'None' },
                        { value: 'TEXT', label: 'Text' },
                        { value: 'IMAGE', label: 'Image' },
                        { value: 'VIDEO', label: 'Video' },
                        { value: 'DOCUMENT', label: 'Document' },
                      ]}
                      {...form.getInputProps('headerFormat')}
                      // A sample (text or file handle) belongs to one format: another format starts empty.
                      onChange={(f) => {
                        form.setFieldValue('headerFormat', (f ?? 'NONE') as typeof v.headerFormat);
                        form.setFieldValue('headerExample', '');
                      }}
                    />
                    {v.headerFormat === 'TEXT' && (
                      <TextInput
                        label="Header text"
                        description={`Up to ${TEMPLATE_LIMITS.headerText} characters, one variable`}
                        {...form.getInputProps('headerText')}
                      />
                    )}
                    {v.headerFormat !== 'NONE' && v.headerFormat !== 'TEXT' && (
                      <HeaderSampleField
                        key={v.headerFormat}
                        accountId={v.whatsappAccountId}
                        format={v.headerFormat}
                        handle={v.headerExample}
                        error={form.errors.headerExample as string | undefined}
                        onUploaded={(h) => form.setFieldValue('headerExample', h)}
                      />
                    )}
                  </Group>
                  {headerVars.length > 0 && (
                    <TextInput
                      label={`Example for the header’s {{${headerVars[0]}}}`}
                      {...form.getInputProps('headerExample')}
                    />
                  )}
                  <Textarea
                    label="Body"
                    description={`Up to ${TEMPLATE_LIMITS.body} characters; variables ${v.parameterFormat === 'NAMED' ? '{{first_name}}, {{order_id}}' : '{{1}}, {{2}}'} … with words around them`}
                    required
                    autosize
                    minRows={3}
                    maxRows={8}
                    {...form.getInputProps('bodyText')}
                  />
                  {bodyVars.length > 0 && (
                    <Stack gap={4}>
                      <Group grow align="flex-start">
                        {bodyVars.map((name, i) => (
                          <TextInput
                            key={name}
                            label={`Example for {{${name}}}`}
                            value={v.bodyExamples[i] ?? ''}
                            onChange={(e) => {
                              const next = [...v.bodyExamples];
                              next[i] = e.currentTarget.value;
                              form.setFieldValue('bodyExamples', next);
                            }}
                          />
                        ))}
                      </Group>
                      {form.errors.bodyExamples && (
                        <Text size="xs" c="red" role="alert">
                          {form.errors.bodyExamples}
                        </Text>
                      )}
                    </Stack>
                  )}
                  <TextInput
                    label="Footer (optional)"
                    description={`Up to ${TEMPLATE_LIMITS.footer} characters, no variables`}
                    {...form.getInputProps('footerText')}
                  />
                  <ButtonRows form={form} />
                </>
              )}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            {/* Sticky under the modal's header, so the preview stays in view while the form scrolls. */}
            <Box style={{ position: 'sticky', top: 64 }}>
              <Title order={3} size="h6" mb="xs">
                Preview
              </Title>
              <Paper withBorder p="sm" aria-label="Preview of the template" role="group">
                <TemplatePreview
                  fields={templateFields(preview)}
                  headerText={withExamples(v.headerText, v.parameterFormat, [v.headerExample])}
                  bodyText={
                    auth
                      ? withExamples(templateFields(preview).body.text, 'POSITIONAL', [sample])
                      : withExamples(v.bodyText || 'Your message', v.parameterFormat, v.bodyExamples)
                  }
                />
              </Paper>
              <Text size="xs" c="dimmed" mt="xs">
                {auth
                  ? `The code (here ${sample}) is filled in when the template is sent.`
                  : 'Meta reviews every new or edited template, usually within minutes. It can be sent once approved.'}
              </Text>
            </Box>
          </Grid.Col>
        </Grid>
        {error && (
          <Alert color="red" variant="light" mt="md" title="The template was not submitted">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {editing ? 'Submit changes for review' : 'Submit for review'}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
