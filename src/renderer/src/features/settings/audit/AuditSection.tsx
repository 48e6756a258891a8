import { Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { AuditEvent, AuditEventPage } from '#contract/api/audit';
import type { AppError, Result } from '#contract/result';
import { useParleyClient } from '../../../api';
import { LoadError, Loading } from '../components/Notices';

const PAGE = 50;

const FILTERS = [
  { value: '', label: 'Everything' },
  { value: 'member.*', label: 'Members' },
  { value: 'team.*', label: 'Teams' },
  { value: 'whatsapp_account.*', label: 'WhatsApp numbers' },
  { value: 'organization.*', label: 'Organization' },
  { value: 'api_key.*', label: 'API keys' },
  { value: 'webhook_endpoint.*', label: 'Webhook endpoints' },
];

/** The audit log (admins): who did what and when, newest first, filtered, keyset paged. */
export function AuditSection() {
  const client = useParleyClient();
  const [action, setAction] = useState('');
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);

  /** One page after `from` (null: the newest) with the current filter. */
  const fetchPage = useCallback(
    (from: string | null) =>
      client.call('admin:listAuditEvents', {
        limit: PAGE,
        ...(action ? { action } : {}),
        ...(from ? { cursor: from } : {}),
      }),
    [client, action],
  );
  const apply = useCallback((r: Result<AuditEventPage>, from: string | null) => {
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    setEvents((prev) => (from ? [...(prev ?? []), ...r.value.data] : r.value.data));
    setCursor(r.value.nextCursor);
  }, []);
  const load = async (from: string | null) => {
    setBusy(true);
    const r = await fetchPage(from);
    setBusy(false);
    apply(r, from);
  };

  useEffect(() => {
    let live = true;
    void fetchPage(null).then((r) => {
      if (live) apply(r, null);
    });
    return () => {
      live = false;
    };
  }, [fetchPage, apply]);

  return (
    <Stack>
      <Select
        label="Show"
        w={240}
        data={FILTERS}
        value={action}
        allowDeselect={false}
        onChange={(v) => {
          setEvents(null);
          setAction(v ?? '');
        }}
      />
      {error && !events ? (
        <LoadError error={error} onRetry={() => void load(null)} what="the audit log" />
      ) : !events ? (
        <Loading what="the audit log" />
      ) : events.length === 0 ? (
        <Text size="sm">Nothing recorded yet.</Text>
      ) : (
        <Table striped aria-label="Audit log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Text size="sm">{new Date(e.occurredAt).toLocaleString()}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.actor.kind === 'system' ? 'Parley' : e.actor.label}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.summary}</Text>
                  <Text size="xs" c="dimmed">
                    {e.action}
                    {e.target ? ` · ${e.target.label}` : ''}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {error && events && <LoadError error={error} onRetry={() => void load(cursor)} what="more events" />}
      {events && cursor && (
        <Group>
          <Button variant="default" loading={busy} onClick={() => void load(cursor)}>
            Load older events
          </Button>
        </Group>
      )}
    </Stack>
  );
}
