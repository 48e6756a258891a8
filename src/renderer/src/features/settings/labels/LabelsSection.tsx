import {
  ActionIcon,
  Badge,
  Button,
  Card,
  ColorSwatch,
  Group,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { SessionUser } from '#contract/api/auth';
import { CreateLabelBody, LabelColor, type Label } from '#contract/api/labels';
import type { AppError } from '#contract/result';
import { useLabels, useParleyClient } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError, Loading, OfflineNotice } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';
import { canEditLabels } from '../sections';

/** The palette as Select options, each with its swatch. */
const COLOR_OPTIONS = LabelColor.options.map((c) => ({ value: c, label: c[0]!.toUpperCase() + c.slice(1) }));

/** A colour picker over the fixed palette (what the server accepts). */
function ColorSelect({ label, ...rest }: { label: string } & Record<string, unknown>) {
  return (
    <Select
      label={label}
      w={150}
      data={COLOR_OPTIONS}
      allowDeselect={false}
      renderOption={({ option }) => (
        <Group gap="xs">
          <ColorSwatch color={`var(--mantine-color-${option.value}-filled)`} size={14} aria-hidden />
          {option.label}
        </Group>
      )}
      {...rest}
    />
  );
}

/**
 * Labels: read from the replica (so they show offline and update live as the server's changes
 * sync), changed over the server's REST API by admins and managers. A rename or a delete also
 * changes every conversation carrying the label; the dialogs say so.
 */
export function LabelsSection({ user, online }: { user: SessionUser; online: boolean }) {
  const labels = useLabels();
  const client = useParleyClient();
  const editable = canEditLabels(user.role) && online;
  const [error, setError] = useState<{ title: string; error: AppError } | null>(null);
  const [deleting, setDeleting] = useState<Label | null>(null);

  if (!labels) return <Loading what="labels" />;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Labels sort conversations (“Refund”, “VIP”). Everyone sees them in the inbox filters and on
        conversations; admins and managers manage them here.
      </Text>
      {canEditLabels(user.role) && !online && <OfflineNotice note="Connect to change labels." />}
      {editable && <CreateLabelForm />}
      {error && <ActionError error={error.error} title={error.title} />}
      {labels.length === 0 && <Text size="sm">No labels yet.</Text>}
      <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Labels">
        {labels.map((l) => (
          <Card key={l.id} withBorder component="li" py="xs" aria-label={`Label ${l.name}`}>
            <LabelRow label={l} editable={editable} onDelete={() => setDeleting(l)} />
          </Card>
        ))}
      </Stack>
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete label ${deleting?.name ?? ''}?`}
        confirmLabel="Delete label"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          setError(null);
          const r = await client.call('admin:deleteLabel', { id: deleting.id });
          if (!r.ok) setError({ title: `Label ${deleting.name} was not deleted`, error: r.error });
        }}
      >
        The label is removed from every conversation carrying it and from the inbox filters, for everyone. The
        conversations themselves stay as they are.
      </ConfirmDialog>
    </Stack>
  );
}

/** One label: its badge, and (for admins and managers) rename/recolour in place and delete. */
function LabelRow({ label, editable, onDelete }: { label: Label; editable: boolean; onDelete(): void }) {
  const client = useParleyClient();
  const [editing, setEditing] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: label.name, color: label.color as string },
    validate: schemaResolver(CreateLabelBody, { sync: true }),
  });
  if (editing) {
    const submit = form.onSubmit(async (values) => {
      const patch = {
        ...(values.name !== label.name ? { name: values.name } : {}),
        ...(values.color !== label.color ? { color: values.color as LabelColor } : {}),
      };
      if (Object.keys(patch).length === 0) return setEditing(false);
      const r = await client.call('admin:updateLabel', { id: label.id, patch });
      if (r.ok) setEditing(false);
      else form.setErrors({ name: fieldErrorsOf(r.error).name ?? r.error.message });
    });
    return (
      <form noValidate onSubmit={(e) => void submit(e)} aria-label={`Edit label ${label.name}`}>
        <Group gap="xs" align="flex-start">
          <TextInput
            size="xs"
            label="Label name"
            description="Renames it on every conversation too"
            {...form.getInputProps('name')}
            data-autofocus
            autoFocus
          />
          <ColorSelect size="xs" label="Colour" {...form.getInputProps('color')} />
          <Button size="xs" type="submit" mt={40}>
            Save
          </Button>
          <Button size="xs" variant="default" mt={40} onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </Group>
      </form>
    );
  }
  return (
    <Group justify="space-between" wrap="nowrap">
      <Badge color={label.color} variant="light" size="lg" tt="none" fw={600}>
        {label.name}
      </Badge>
      {editable && (
        <Group gap={4}>
          <ActionIcon
            variant="subtle"
            aria-label={`Edit label ${label.name}`}
            onClick={() => {
              form.setValues({ name: label.name, color: label.color });
              setEditing(true);
            }}
          >
            <IconPencil size={16} aria-hidden />
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Delete label ${label.name}`}
            onClick={onDelete}
          >
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      )}
    </Group>
  );
}

/** Creates a label with a name and a colour. */
function CreateLabelForm() {
  const client = useParleyClient();
  const [busy, setBusy] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', color: 'blue' as string },
    validate: schemaResolver(CreateLabelBody, { sync: true }),
  });
  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    const r = await client.call('admin:createLabel', {
      name: values.name,
      color: values.color as LabelColor,
    });
    setBusy(false);
    if (r.ok) form.reset();
    else form.setErrors({ name: fieldErrorsOf(r.error).name ?? r.error.message });
  });
  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label="Create a label">
      <Group align="flex-start">
        <TextInput label="New label name" w={260} {...form.getInputProps('name')} />
        <ColorSelect label="Colour" {...form.getInputProps('color')} />
        <Button type="submit" loading={busy} mt={25}>
          Create label
        </Button>
      </Group>
    </form>
  );
}
