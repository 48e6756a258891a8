import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { API_SCOPES, CreateApiKeyBody, type CreatedApiKey } from '#contract/api/api-keys';
import { useParleyClient } from '../../../api';
import { CopyField } from '../components/CopyField';
import { ActionError } from '../components/Notices';
import { fieldErrorsOf } from '../components/server-errors';
import { useCreateOnce } from '../components/useCreateOnce';
import { SCOPE_LABELS } from './scopes';

interface Values {
  name: string;
  scopes: string[];
  /** One address or CIDR per line (or separated by commas); empty = any address. */
  allowedIps: string;
}

/** The allow-list field's lines as the body's array. */
const linesOf = (s: string) =>
  s
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);

const toBody = (v: Values) => ({
  name: v.name,
  scopes: v.scopes,
  ...(linesOf(v.allowedIps).length > 0 ? { allowedIps: linesOf(v.allowedIps) } : {}),
});

/**
 * The form's errors from the shared schema (one definition of what is valid): an allow-list
 * issue names the line it is about, since the field is one textarea.
 */
export function validateApiKey(values: Values): Record<string, string> {
  const parsed = CreateApiKeyBody.safeParse(toBody(values));
  if (parsed.success) return {};
  const out: Record<string, string> = {};
  const lines = linesOf(values.allowedIps);
  for (const issue of parsed.error.issues) {
    const [field, index] = issue.path;
    if (typeof field !== 'string' || out[field]) continue;
    out[field] =
      field === 'allowedIps' && typeof index === 'number'
        ? `"${lines[index]}": ${issue.message}`
        : issue.message;
  }
  return out;
}

/**
 * Creates an API key: a name, its scopes (checkboxes) and an optional allow-list. The key is
 * shown once with a copy button and a warning (the server keeps only a peppered hash).
 */
export function CreateApiKeyModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose(): void;
  onCreated(): void;
}) {
  const client = useParleyClient();
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', scopes: [], allowedIps: '' },
    validate: validateApiKey,
  });

  const { created, error, setError, busy, close, create } = useCreateOnce<CreatedApiKey>(
    form,
    onClose,
    onCreated,
  );

  const submit = form.onSubmit(async (values) => {
    const failed = await create(() =>
      client.call('admin:createApiKey', CreateApiKeyBody.parse(toBody(values))),
    );
    if (!failed) return;
    // `allowedIps.2` and `allowedIps` both land on the one textarea.
    const fields: Record<string, string> = {};
    for (const [k, msg] of Object.entries(fieldErrorsOf(failed))) fields[k.split('.')[0]!] ??= msg;
    if (Object.keys(fields).length) form.setErrors(fields);
    else setError(failed);
  });

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? `API key ${created.name}` : 'Create an API key'}
      size="lg"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {created ? (
        <Stack>
          <Text size="sm">
            Give this key to the system that calls Parley, as <code>Authorization: Bearer …</code>. It can{' '}
            {created.scopes.join(', ')}
            {created.allowedIps.length
              ? `, from ${created.allowedIps.join(', ')} only`
              : ', from any address'}
            .
          </Text>
          <CopyField label="API key" value={created.key} />
          <Alert color="yellow" variant="light" role="note" title="Shown only once">
            Parley keeps only a hash of this key: nobody can show it again. Copy it now and store it as a
            secret; if it is lost, create a new key and revoke this one.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form noValidate onSubmit={(e) => void submit(e)} aria-label="Create an API key">
          <Stack>
            <TextInput
              label="Name"
              description="Who uses it, e.g. “CRM sync”"
              required
              {...form.getInputProps('name')}
            />
            <Checkbox.Group
              label="Scopes"
              description="What the key may do; it never manages members, keys or WhatsApp credentials."
              required
              {...form.getInputProps('scopes')}
            >
              <SimpleGrid cols={2} mt="xs" spacing="xs">
                {API_SCOPES.map((s) => (
                  <Checkbox key={s} value={s} label={s} description={SCOPE_LABELS[s]} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
            <Textarea
              label="Allowed addresses"
              description="IPv4 or IPv6 addresses or CIDR ranges, one per line. Empty: any address."
              placeholder={'203.0.113.0/24\n2001:db8::/32'}
              autosize
              minRows={2}
              maxRows={6}
              {...form.getInputProps('allowedIps')}
            />
            {error && <ActionError error={error} title="The key was not created" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
