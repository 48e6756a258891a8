import { Badge, Button, Code, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { ApiKey } from '#contract/api/api-keys';
import type { AppError } from '#contract/result';
import { useMembers, useParleyClient } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { CreateApiKeyModal } from './CreateApiKeyModal';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : null);

/** A key's state as a badge: revoked, expired, or active (a dot badge: AA contrast). */
function KeyStatus({ k, now }: { k: ApiKey; now: number }) {
  if (k.revokedAt)
    return (
      <Badge color="gray" variant="light">
        Revoked
      </Badge>
    );
  if (k.expiresAt && Date.parse(k.expiresAt) <= now)
    return (
      <Badge color="orange" variant="light">
        Expired
      </Badge>
    );
  return (
    <Badge color="green" variant="dot">
      Active
    </Badge>
  );
}

/**
 * API keys (admins): every key with its scopes, allow-list, creator and last use; create (the
 * secret shown once) and revoke (refused everywhere within a second).
 */
export function ApiKeysSection() {
  const client = useParleyClient();
  const load = useCallback(() => client.call('admin:listApiKeys'), [client]);
  const keys = useRemote(load, true);
  const members = useMembers();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  // "Now" as of the list's first render: whether a key has expired is judged against it.
  const [now] = useState(() => Date.now());

  const nameOf = (id: string | null) =>
    id ? (members?.find((m) => m.id === id)?.name ?? 'A former member') : '—';

  const revoke = async (k: ApiKey) => {
    setError(null);
    const r = await client.call('admin:revokeApiKey', { id: k.id });
    if (r.ok) await keys.reload();
    else setError(r.error);
  };

  return (
    <Stack>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm" c="dimmed" maw={560}>
          Keys let your other systems (a CRM, a website) call Parley’s API with the scopes you give them. See
          the API guide for examples; what a key does is recorded in the audit log under its name.
        </Text>
        <Button leftSection={<IconKey size={16} aria-hidden />} onClick={() => setCreating(true)}>
          Create API key
        </Button>
      </Group>
      {error && <ActionError error={error} title="The key was not revoked" />}
      {keys.error && !keys.data ? (
        <LoadError error={keys.error} onRetry={() => void keys.reload()} what="API keys" />
      ) : !keys.data ? (
        <Loading what="API keys" />
      ) : keys.data.length === 0 ? (
        <Text size="sm">No API keys yet. Create one for each system that calls Parley.</Text>
      ) : (
        <Table striped aria-label="API keys" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Scopes</Table.Th>
              <Table.Th>Allowed addresses</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {k.name}
                  </Text>
                  <Code>{k.prefix}…</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{k.scopes.join(', ')}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{k.allowedIps.length ? k.allowedIps.join(', ') : 'Any address'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{nameOf(k.createdBy)}</Text>
                  <Text size="xs" c="dimmed">
                    {new Date(k.createdAt).toLocaleDateString()}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{when(k.lastUsedAt) ?? 'Never'}</Text>
                  {k.lastUsedIp && (
                    <Text size="xs" c="dimmed">
                      from {k.lastUsedIp}
                    </Text>
                  )}
                </Table.Td>
                {/* Wide enough for the whole badge: auto layout would squeeze it to "ACTI…". */}
                <Table.Td style={{ minWidth: 104 }}>
                  <KeyStatus k={k} now={now} />
                </Table.Td>
                <Table.Td>
                  {!k.revokedAt && (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Revoke ${k.name}`}
                      onClick={() => setRevoking(k)}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <CreateApiKeyModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={() => void keys.reload()}
      />
      <ConfirmDialog
        opened={revoking !== null}
        title={`Revoke ${revoking?.name ?? ''}?`}
        confirmLabel="Revoke key"
        onClose={() => setRevoking(null)}
        onConfirm={() => (revoking ? revoke(revoking) : Promise.resolve())}
      >
        Every request with this key, and every token issued for it, is refused within a second on every
        server. Systems still using it stop working until you give them a new key. This cannot be undone; the
        key stays listed as revoked.
      </ConfirmDialog>
    </Stack>
  );
}
