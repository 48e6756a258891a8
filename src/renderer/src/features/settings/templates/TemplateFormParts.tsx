import { ActionIcon, Button, Checkbox, Group, Menu, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { TEMPLATE_LIMITS } from '#contract/api/templates';
import {
  newButton,
  type ButtonValues,
  type TemplateFormValues,
  type validateTemplateForm,
} from './template-form';

// Parts of the template form: the buttons of a message template, and an authentication
// template's options (Meta writes its text; the admin chooses the extra lines and the label).

export const BUTTON_KINDS: { type: ButtonValues['type']; label: string }[] = [
  { type: 'QUICK_REPLY', label: 'Quick reply' },
  { type: 'URL', label: 'Visit website' },
  { type: 'PHONE_NUMBER', label: 'Call phone number' },
];

export type TemplateForm = UseFormReturnType<
  TemplateFormValues,
  TemplateFormValues,
  typeof validateTemplateForm
>;

/** An authentication template's options. */
export function AuthenticationFields({ form }: { form: TemplateForm }) {
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Meta writes the message: “<i>code</i> is your verification code.” and adds a button that copies the
        code. Links, media and emoji are not allowed.
      </Text>
      <Checkbox
        label="Add “For your security, do not share this code.”"
        {...form.getInputProps('authSecurity', { type: 'checkbox' })}
      />
      <Group grow align="flex-start">
        <TextInput
          label="Code expires after (minutes, optional)"
          description="1 to 90; adds “This code expires in N minutes.”"
          inputMode="numeric"
          {...form.getInputProps('authExpiry')}
        />
        <TextInput
          label="Copy button label (optional)"
          description={`Meta’s default is “Copy code”; up to ${TEMPLATE_LIMITS.buttonText} characters`}
          {...form.getInputProps('authButtonText')}
        />
      </Group>
    </Stack>
  );
}

/** The buttons: a row per button, added by kind, removed one by one. */
export function ButtonRows({ form }: { form: TemplateForm }) {
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
