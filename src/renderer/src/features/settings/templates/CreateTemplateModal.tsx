import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Grid,
  Group,
  Menu,
  Modal,
  Paper,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { CreateTemplateBody, TEMPLATE_LIMITS, variableCount, type Template } from '#contract/api/templates';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { useParleyClient } from '../../../api';
import { TemplatePreview, templateFields } from '../../../components/TemplatePreview';
import { fieldErrorsOf, describeError } from '../components/server-errors';
import {
  emptyTemplateForm,
  formKeyOf,
  newButton,
  previewTemplate,
  toCreateBody,
  validateTemplateForm,
  withExamples,
  type ButtonValues,
  type TemplateFormValues,
} from './template-form';

const BUTTON_KINDS: { type: ButtonValues['type']; label: string }[] = [
  { type: 'QUICK_REPLY', label: 'Quick reply' },
  { type: 'URL', label: 'Visit website' },
  { type: 'PHONE_NUMBER', label: 'Call phone number' },
];

/**
 * "Create template": the shared schema validates as the admin types (the server checks the same
 * and Meta decides); the preview shows the message as the customer will see it, with examples.
 */
export function CreateTemplateModal({
  opened,
  numbers,
  onClose,
  onCreated,
}: {
  opened: boolean;
  /** Connected numbers a template can belong to. */
  numbers: WhatsAppAccount[];
  onClose(): void;
  onCreated(t: Template): void;
}) {
  const client = useParleyClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: emptyTemplateForm(numbers[0]?.id),
    validate: validateTemplateForm,
  });
  const v = form.getValues();
  const bodyVars = variableCount(v.bodyText);
  const headerVars = v.headerFormat === 'TEXT' ? variableCount(v.headerText) : 0;
  const preview = previewTemplate(v);

  const close = () => {
    form.setValues(emptyTemplateForm(numbers[0]?.id));
    form.clearErrors();
    setError(null);
    onClose();
  };
  const submit = form.onSubmit(async (values) => {
    setError(null);
    setBusy(true);
    const r = await client.call('admin:createTemplate', CreateTemplateBody.parse(toCreateBody(values)));
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
      title="Create a template"
      size="xl"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form noValidate onSubmit={(e) => void submit(e)} aria-label="Create a template">
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack gap="sm">
              <Group grow align="flex-start">
                <Select
                  label="WhatsApp number"
                  required
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
                  allowDeselect={false}
                  data={[
                    { value: 'UTILITY', label: 'Utility' },
                    { value: 'MARKETING', label: 'Marketing' },
                    { value: 'AUTHENTICATION', label: 'Authentication' },
                  ]}
                  {...form.getInputProps('category')}
                />
              </Group>
              <Group grow align="flex-start">
                <TextInput
                  label="Name"
                  description="Lowercase letters, digits and underscores"
                  required
                  {...form.getInputProps('name')}
                />
                <TextInput
                  label="Language"
                  description="Meta’s code, such as en_US or pt_BR"
                  required
                  {...form.getInputProps('language')}
                />
              </Group>
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
                />
                {v.headerFormat === 'TEXT' && (
                  <TextInput
                    label="Header text"
                    description={`Up to ${TEMPLATE_LIMITS.headerText} characters, one variable {{1}}`}
                    {...form.getInputProps('headerText')}
                  />
                )}
                {v.headerFormat !== 'NONE' && v.headerFormat !== 'TEXT' && (
                  <TextInput
                    label="Sample file"
                    description="An upload handle from Meta, or a public URL"
                    {...form.getInputProps('headerExample')}
                  />
                )}
              </Group>
              {headerVars > 0 && (
                <TextInput label="Example for the header’s {{1}}" {...form.getInputProps('headerExample')} />
              )}
              <Textarea
                label="Body"
                description={`Up to ${TEMPLATE_LIMITS.body} characters; variables {{1}}, {{2}} … with words around them`}
                required
                autosize
                minRows={3}
                maxRows={8}
                {...form.getInputProps('bodyText')}
              />
              {bodyVars > 0 && (
                <Stack gap={4}>
                  <Group grow align="flex-start">
                    {Array.from({ length: bodyVars }, (_, i) => (
                      <TextInput
                        key={i}
                        label={`Example for {{${i + 1}}}`}
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
                  headerText={withExamples(v.headerText, [v.headerExample])}
                  bodyText={withExamples(v.bodyText || 'Your message', v.bodyExamples)}
                />
              </Paper>
              <Text size="xs" c="dimmed" mt="xs">
                Meta reviews every new template, usually within minutes. It can be sent once approved.
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
            Submit for review
          </Button>
        </Group>
      </form>
    </Modal>
  );
}

type Form = UseFormReturnType<TemplateFormValues, TemplateFormValues, typeof validateTemplateForm>;

/** The buttons: a row per button, added by kind, removed one by one. */
function ButtonRows({ form }: { form: Form }) {
  const buttons = form.getValues().buttons;
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Buttons (optional)
        </Text>
        <Menu position="bottom-end">
          <Menu.Target>
            <Button size="xs" variant="default" leftSection={<IconPlus size={14} aria-hidden />}>
              Add button
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {BUTTON_KINDS.map((k) => (
              <Menu.Item key={k.type} onClick={() => form.insertListItem('buttons', newButton(k.type))}>
                {k.label}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      {form.errors.buttons && (
        <Text size="xs" c="red" role="alert">
          {form.errors.buttons}
        </Text>
      )}
      {buttons.map((b, i) => (
        <Group key={i} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label={`${BUTTON_KINDS.find((k) => k.type === b.type)!.label} button ${i + 1} label`}
            {...form.getInputProps(`buttons.${i}.text`)}
          />
          {b.type === 'URL' && (
            <TextInput
              style={{ flex: 1.4 }}
              label={`Button ${i + 1} web address`}
              placeholder="https://…"
              {...form.getInputProps(`buttons.${i}.url`)}
            />
          )}
          {b.type === 'URL' && /\{\{1\}\}\s*$/.test(b.url) && (
            <TextInput
              style={{ flex: 1 }}
              label={`Button ${i + 1} example for {{1}}`}
              {...form.getInputProps(`buttons.${i}.example`)}
            />
          )}
          {b.type === 'PHONE_NUMBER' && (
            <TextInput
              style={{ flex: 1.4 }}
              label={`Button ${i + 1} phone number`}
              placeholder="+14155550123"
              {...form.getInputProps(`buttons.${i}.phoneNumber`)}
            />
          )}
          <ActionIcon
            mt={26}
            variant="subtle"
            color="red"
            aria-label={`Remove button ${i + 1}`}
            onClick={() => form.removeListItem('buttons', i)}
          >
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      ))}
    </Stack>
  );
}
