import { Alert, Badge, Button, Group, Modal, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { Intake } from '#contract/api/intakes';
import type { AppError } from '#contract/result';
import { useParleyClient, useTeams } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyField } from '../components/CopyField';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { CreateIntakeModal } from './CreateIntakeModal';

/**
 * Lead intakes (admins, online-only): where leads from a form, CRM or ad platform land and which
 * template greets them; create (URL and secret shown once), rotate the secret, delete.
 */
export function IntakesSection() {
  const client = useParleyClient();
  const load = useCallback(() => client.call('admin:listIntakes'), [client]);
  const loadNumbers = useCallback(() => client.call('admin:listNumbers'), [client]);
  const intakes = useRemote(load, true);
  const numbers = useRemote(loadNumbers, true);
  const teams = useTeams() ?? [];
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<Intake | null>(null);
  const [deleting, setDeleting] = useState<Intake | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<{ title: string; error: AppError } | null>(null);

  const numberName = (id: string) => numbers.data?.find((n) => n.id === id)?.name ?? 'Unknown number';
  const teamName = (id: string | null) =>
    id ? (teams.find((t) => t.id === id)?.name ?? '—') : 'Triage queue';

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={560}>
          Each intake has a URL your website form, CRM or ad platform posts leads to. A lead becomes a contact
          and a conversation on the number, in the team, with the labels, greeted by the template.
        </Text>
        <Button
          leftSection={<IconPlus size={16} aria-hidden />}
          onClick={() => setCreating(true)}
          disabled={!numbers.data || numbers.data.length === 0}
        >
          New intake
        </Button>
      </Group>
      {numbers.data && numbers.data.length === 0 && (
        <Text size="sm">Connect a WhatsApp number first: an intake greets leads from one of them.</Text>
      )}
      {error && <ActionError error={error.error} title={error.title} />}
      {intakes.error && !intakes.data ? (
        <LoadError error={intakes.error} onRetry={() => void intakes.reload()} what="lead intakes" />
      ) : !intakes.data ? (
        <Loading what="lead intakes" />
      ) : intakes.data.length === 0 ? (
        <Text size="sm">No intake yet.</Text>
      ) : (
        <Table aria-label="Lead intakes" verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Number and team</Table.Th>
              <Table.Th>Greeting</Table.Th>
              <Table.Th>Lead URL</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {intakes.data.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {i.name}
                  </Text>
                  {!i.enabled && (
                    <Badge color="gray" variant="light">
                      Disabled
                    </Badge>
                  )}
                  {i.labels.length > 0 && (
                    <Text size="xs" c="dimmed">
                      Labels: {i.labels.join(', ')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{numberName(i.whatsappAccountId)}</Text>
                  <Text size="xs" c="dimmed">
                    {teamName(i.teamId)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{i.template ? `${i.template.name} (${i.template.language})` : 'None'}</Text>
                </Table.Td>
                <Table.Td miw={260}>
                  <CopyField label={`Lead URL of ${i.name}`} value={i.url} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Rotate secret of ${i.name}`}
                      onClick={() => setRotating(i)}
                    >
                      Rotate secret
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${i.name}`}
                      onClick={() => setDeleting(i)}
                    >
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <CreateIntakeModal
        opened={creating}
        numbers={(numbers.data ?? []).filter((n) => n.status !== 'disconnected')}
        onClose={() => setCreating(false)}
        onCreated={() => void intakes.reload()}
      />
      <ConfirmDialog
        opened={rotating !== null}
        title={`Rotate the secret of ${rotating?.name ?? ''}?`}
        confirmLabel="Rotate secret"
        onClose={() => setRotating(null)}
        onConfirm={async () => {
          if (!rotating) return;
          setError(null);
          const r = await client.call('admin:rotateIntakeSecret', { id: rotating.id });
          if (r.ok) setSecret(r.value.secret);
          else setError({ title: `The secret of ${rotating.name} was not rotated`, error: r.error });
        }}
      >
        The current secret stops verifying at once: leads signed with it are refused until the sender uses the
        new one, which is shown once.
      </ConfirmDialog>
      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        title="New signing secret"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <Stack>
          <CopyField label="Signing secret" value={secret ?? ''} />
          <Alert color="yellow" variant="light" role="note">
            Shown only once. The previous secret no longer verifies: give this one to the sender now.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={() => setSecret(null)}>Done</Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel="Delete"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          setError(null);
          const r = await client.call('admin:deleteIntake', { id: deleting.id });
          if (r.ok) await intakes.reload();
          else setError({ title: `${deleting.name} was not deleted`, error: r.error });
        }}
      >
        Leads posted to its URL are refused from now on. Contacts and conversations it created stay.
      </ConfirmDialog>
    </Stack>
  );
}
