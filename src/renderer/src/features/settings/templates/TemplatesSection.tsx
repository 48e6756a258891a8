import {
  Alert,
  Button,
  Group,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconPlus, IconRefresh, IconSearch } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionUser } from '#contract/api/auth';
import { TemplateStatus, type Template } from '#contract/api/templates';
import type { AppError } from '#contract/result';
import { useParleyClient } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { CreateTemplateModal } from './CreateTemplateModal';
import { STATUS_BADGE, StatusBadge, TemplateDetailsModal } from './TemplateDetailsModal';

const OFFLINE = 'Connect to create, delete or sync templates.';

/** The replica's templates (every status), re-read when sync changes them: readable offline. */
function useReplicaTemplates() {
  const client = useParleyClient();
  const [list, setList] = useState<Template[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const read = async () => {
      const r = await client.call('templates:list', {});
      if (!live) return;
      if (r.ok) setList(r.value);
      else setError(r.error.message);
    };
    void read();
    const off = client.subscribe('replica:changed', (c) => {
      if (c.tables.includes('templates')) void read();
    });
    return () => {
      live = false;
      off();
    };
  }, [client]);
  return { list, error };
}

/**
 * Settings > Templates: every synced template with its status (admins manage, managers read).
 * The list comes from the replica, so it reads offline; creating, deleting and syncing talk to
 * Meta through the server, so they say so while offline.
 */
export function TemplatesSection({ user, online }: { user: SessionUser; online: boolean }) {
  const client = useParleyClient();
  const isAdmin = user.role === 'admin';
  const templates = useReplicaTemplates();
  const loadNumbers = useCallback(() => client.call('admin:listNumbers'), [client]);
  const numbers = useRemote(loadNumbers, online);
  const [status, setStatus] = useState<string>('ALL');
  const [q, setQ] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Template | null>(null);
  const [deleting, setDeleting] = useState<Template | null>(null);
  const [sync, setSync] = useState<{ done: number; of: number } | null>(null);
  const [syncNote, setSyncNote] = useState<string | null>(null);
  const [error, setError] = useState<{ title: string; error: AppError } | null>(null);

  const connected = (numbers.data ?? []).filter((n) => n.status !== 'disconnected');
  const numberName = (id: string) => {
    const n = numbers.data?.find((x) => x.id === id);
    return n ? `${n.name} (${n.displayPhoneNumber ?? n.phoneNumberId})` : 'WhatsApp number';
  };
  const shortNumberName = (id: string) => numbers.data?.find((x) => x.id === id)?.name ?? 'WhatsApp number';
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (templates.list ?? [])
      .filter((t) => status === 'ALL' || t.status === status)
      .filter((t) => !needle || t.name.toLowerCase().includes(needle))
      .sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  }, [templates.list, status, q]);
  const open = templates.list?.find((t) => t.id === openId) ?? null;

  const syncAll = async () => {
    setError(null);
    setSyncNote(null);
    let changed = 0;
    let listed = 0;
    for (const [i, n] of connected.entries()) {
      setSync({ done: i, of: connected.length });
      const r = await client.call('admin:syncTemplates', { id: n.id });
      if (!r.ok) {
        setError({ title: `The templates of ${n.name} were not synced`, error: r.error });
        break;
      }
      listed += r.value.synced;
      changed += r.value.changed + r.value.markedDeleted;
    }
    setSync(null);
    setSyncNote(
      `Last synced at ${new Date().toLocaleTimeString()}: ${listed} templates at Meta, ${changed} new or changed.`,
    );
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Group align="flex-end">
          <TextInput
            label="Search templates"
            placeholder="Name"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
          />
          <Select
            label="Status"
            w={180}
            allowDeselect={false}
            value={status}
            onChange={(v) => setStatus(v ?? 'ALL')}
            data={[
              { value: 'ALL', label: 'All statuses' },
              ...TemplateStatus.options.map((s) => ({ value: s, label: STATUS_BADGE[s].label })),
            ]}
          />
        </Group>
        {isAdmin && (
          <Group>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} aria-hidden />}
              disabled={!online || connected.length === 0}
              loading={sync !== null}
              onClick={() => void syncAll()}
            >
              Sync templates
            </Button>
            <Button
              leftSection={<IconPlus size={16} aria-hidden />}
              disabled={!online || connected.length === 0}
              onClick={() => setCreating(true)}
            >
              Create template
            </Button>
          </Group>
        )}
      </Group>
      {isAdmin && !online && (
        <Alert color="gray" variant="light" role="status">
          {OFFLINE} The list below is what this device last synced.
        </Alert>
      )}
      {sync && (
        <Stack gap={4} role="status" aria-label="Sync progress">
          <Text size="sm">
            Syncing templates of number {sync.done + 1} of {sync.of}…
          </Text>
          <Progress value={(100 * sync.done) / sync.of} aria-label="Templates synced" animated />
        </Stack>
      )}
      {syncNote && (
        <Text size="sm" role="status">
          {syncNote}
        </Text>
      )}
      {error && <ActionError error={error.error} title={error.title} />}
      {templates.error ? (
        <Alert color="red" variant="light" title="Could not read templates">
          {templates.error}
        </Alert>
      ) : !templates.list ? (
        <Loading what="templates" />
      ) : templates.list.length === 0 ? (
        <Text size="sm">
          No templates yet.{' '}
          {isAdmin ? 'Create one, or sync the templates your numbers already have at Meta.' : ''}
        </Text>
      ) : (
        <Table highlightOnHover aria-label="Templates" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Category</Table.Th>
              <Table.Th>Language</Table.Th>
              <Table.Th>Number</Table.Th>
              <Table.Th>Last synced</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  <UnstyledButton
                    onClick={() => setOpenId(t.id)}
                    aria-label={`Open template ${t.name} (${t.language})`}
                    fw={600}
                    fz="sm"
                    style={{ wordBreak: 'break-word' }}
                  >
                    {t.name}
                  </UnstyledButton>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <StatusBadge status={t.status} />
                </Table.Td>
                <Table.Td tt="capitalize">{t.category.toLowerCase()}</Table.Td>
                <Table.Td>{t.language}</Table.Td>
                <Table.Td title={numberName(t.whatsappAccountId)}>
                  {shortNumberName(t.whatsappAccountId)}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {new Date(t.updatedAt).toLocaleString(undefined, {
                    dateStyle: 'medium',
                    timeStyle: 'short',
                  })}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {templates.list && templates.list.length > 0 && shown.length === 0 && (
        <Text size="sm">No template matches these filters.</Text>
      )}
      <TemplateDetailsModal
        template={open}
        numberName={open ? numberName(open.whatsappAccountId) : ''}
        canDelete={isAdmin && online && open?.status !== 'DELETED'}
        deleteNote={isAdmin && !online ? OFFLINE : null}
        onDelete={(t) => setDeleting(t)}
        onEdit={(t) => {
          setOpenId(null);
          setEditing(t);
        }}
        onClose={() => setOpenId(null)}
      />
      {editing && numbers.data && (
        <CreateTemplateModal
          opened
          numbers={numbers.data.filter((n) => n.id === editing.whatsappAccountId)}
          editing={editing}
          onClose={() => setEditing(null)}
          onCreated={(t) =>
            setSyncNote(
              `Submitted the changes to ${t.name} to Meta for review. Its status updates here when Meta decides.`,
            )
          }
        />
      )}
      {creating && numbers.data && (
        <CreateTemplateModal
          opened
          numbers={connected}
          onClose={() => setCreating(false)}
          onCreated={(t) =>
            setSyncNote(`Submitted ${t.name} to Meta for review. Its status updates here when Meta decides.`)
          }
        />
      )}
      <ConfirmDialog
        opened={deleting !== null}
        title={deleting ? `Delete template ${deleting.name}?` : ''}
        confirmLabel="Delete template"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          const r = await client.call('admin:deleteTemplate', { id: deleting.id });
          if (r.ok) setOpenId(null);
          else setError({ title: `${deleting.name} was not deleted`, error: r.error });
        }}
      >
        Meta deletes it in {deleting?.language} and it can no longer be sent. Messages already sent keep it.
        Meta does not let you reuse the name for about 4 weeks.
      </ConfirmDialog>
    </Stack>
  );
}
