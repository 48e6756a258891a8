import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { SessionUser } from '#contract/api/auth';
import {
  CANNED_VARIABLES,
  CreateCannedResponseBody,
  type CannedResponse,
  type CannedScope,
} from '#contract/api/canned-responses';
import type { AppError } from '#contract/result';
import { useCannedResponses, useParleyClient } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError, Loading } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';
import { canEditOrganizationCanned } from '../sections';

type Values = { scope: CannedScope; shortcut: string; title: string; body: string };

/**
 * Canned responses: the organization's (admins and managers write them) and my own (anyone).
 * Read from and written to the replica (the writes go through the outbox), so the list, the
 * changes and the composer's "/" picker all work offline; the server gets them on reconnect.
 */
export function CannedResponsesSection({ user, online }: { user: SessionUser; online: boolean }) {
  const all = useCannedResponses();
  const client = useParleyClient();
  const [error, setError] = useState<AppError | null>(null);
  const [deleting, setDeleting] = useState<CannedResponse | null>(null);
  const orgEditable = canEditOrganizationCanned(user.role);

  if (!all) return <Loading what="canned responses" />;
  const groups: { scope: CannedScope; title: string; items: CannedResponse[]; editable: boolean }[] = [
    {
      scope: 'organization',
      title: 'Organization',
      items: all.filter((c) => c.scope === 'organization'),
      editable: orgEditable,
    },
    {
      scope: 'personal',
      title: 'Only mine',
      items: all.filter((c) => c.scope === 'personal'),
      editable: true,
    },
  ];
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Type <Code>/</Code> and a shortcut in the composer to insert a response. Variables are filled in when
        it is inserted: {CANNED_VARIABLES.map((v) => `{{${v}}}`).join(', ')}.
      </Text>
      {!online && (
        <Alert color="gray" variant="light" title="You are offline" role="status">
          Changes are kept on this device and reach the server when Parley reconnects.
        </Alert>
      )}
      <CannedForm mayOrganization={canEditOrganizationCanned(user.role)} />
      {error && <ActionError error={error} title="The canned response was not deleted" />}
      {groups.map((g) => (
        <Stack key={g.scope} gap="xs" component="section" aria-label={`${g.title} canned responses`}>
          <Title order={3} size="h5">
            {g.title}
          </Title>
          {g.items.length === 0 && (
            <Text size="sm" c="dimmed">
              None yet.
            </Text>
          )}
          {g.items.map((c) => (
            <CannedCard key={c.id} canned={c} editable={g.editable} onDelete={() => setDeleting(c)} />
          ))}
        </Stack>
      ))}
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete /${deleting?.shortcut ?? ''}?`}
        confirmLabel="Delete response"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          setError(null);
          const r = await client.call('admin:deleteCannedResponse', { id: deleting.id });
          if (!r.ok) setError(r.error);
        }}
      >
        {deleting?.scope === 'organization'
          ? 'Nobody in the organization can insert it any more. Messages already sent stay as they are.'
          : 'You can no longer insert it. Messages already sent stay as they are.'}
      </ConfirmDialog>
    </Stack>
  );
}

/** One response, with edit in place and delete where the viewer may. */
function CannedCard({
  canned,
  editable,
  onDelete,
}: {
  canned: CannedResponse;
  editable: boolean;
  onDelete(): void;
}) {
  const [editing, setEditing] = useState(false);
  return (
    <Card withBorder py="xs" component="article" aria-label={`Canned response /${canned.shortcut}`}>
      {editing ? (
        <CannedForm existing={canned} mayOrganization={false} onDone={() => setEditing(false)} />
      ) : (
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2} miw={0}>
            <Group gap="xs">
              <Badge variant="light" tt="none">
                /{canned.shortcut}
              </Badge>
              <Text fw={600} size="sm">
                {canned.title}
              </Text>
            </Group>
            <Text
              size="sm"
              c="dimmed"
              style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
              lineClamp={3}
            >
              {canned.body}
            </Text>
          </Stack>
          {editable && (
            <Group gap={4} wrap="nowrap">
              <ActionIcon
                variant="subtle"
                aria-label={`Edit /${canned.shortcut}`}
                onClick={() => setEditing(true)}
              >
                <IconPencil size={16} aria-hidden />
              </ActionIcon>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Delete /${canned.shortcut}`}
                onClick={onDelete}
              >
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Group>
          )}
        </Group>
      )}
    </Card>
  );
}

/** Creates a response, or edits `existing` (its scope is fixed). */
function CannedForm({
  existing,
  mayOrganization,
  onDone,
}: {
  existing?: CannedResponse;
  mayOrganization: boolean;
  onDone?(): void;
}) {
  const client = useParleyClient();
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: existing
      ? { scope: existing.scope, shortcut: existing.shortcut, title: existing.title, body: existing.body }
      : { scope: mayOrganization ? 'organization' : 'personal', shortcut: '', title: '', body: '' },
    validate: schemaResolver(CreateCannedResponseBody, { sync: true }),
  });
  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    const parsed = CreateCannedResponseBody.parse(values);
    const r = existing
      ? await client.call('admin:updateCannedResponse', {
          id: existing.id,
          patch: { shortcut: parsed.shortcut, title: parsed.title, body: parsed.body },
        })
      : await client.call('admin:createCannedResponse', parsed);
    setBusy(false);
    if (!r.ok) {
      const fields = fieldErrorsOf(r.error);
      form.setErrors(Object.keys(fields).length > 0 ? fields : { shortcut: r.error.message });
      return;
    }
    if (existing) onDone?.();
    else form.reset();
  });
  const name = existing ? `Edit /${existing.shortcut}` : 'Create a canned response';
  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label={name}>
      <Stack gap="xs">
        {!existing && mayOrganization && (
          <SegmentedControl
            aria-label="Who can use it"
            w="fit-content"
            data={[
              { value: 'organization', label: 'Everyone in the organization' },
              { value: 'personal', label: 'Only me' },
            ]}
            {...form.getInputProps('scope')}
          />
        )}
        <Group align="flex-start" grow>
          <TextInput
            label="Shortcut"
            description="One word, typed after /"
            leftSection="/"
            {...form.getInputProps('shortcut')}
          />
          <TextInput label="Title" description="Shown in the picker" {...form.getInputProps('title')} />
        </Group>
        <Textarea
          label="Response"
          description="Variables such as {{contact.name}} are filled in when inserted"
          autosize
          minRows={2}
          maxRows={8}
          {...form.getInputProps('body')}
        />
        <Group justify="flex-end">
          {existing && (
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={busy}>
            {existing ? 'Save response' : 'Create response'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
