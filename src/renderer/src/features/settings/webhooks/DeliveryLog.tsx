import { Badge, Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { WebhookDelivery, WebhookDeliveryPage, WebhookEndpoint } from '#contract/api/webhooks';
import type { AppError, Result } from '#contract/result';
import { useParleyClient } from '../../../api';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { describeAttempt, lastAttempt, STATE } from './describe';

const PAGE = 20;

/**
 * An endpoint's delivery log, newest first, keyset paged: event, state, last response, attempts,
 * time, and "Retry" (one more attempt now). `version` changes reload it (after a test event).
 */
export function DeliveryLog({ endpoint, version }: { endpoint: WebhookEndpoint; version: number }) {
  const client = useParleyClient();
  const [rows, setRows] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [retryError, setRetryError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const fetchPage = useCallback(
    (from: string | null) =>
      client.call('admin:listWebhookDeliveries', {
        id: endpoint.id,
        limit: PAGE,
        ...(from ? { cursor: from } : {}),
      }),
    [client, endpoint.id],
  );
  const apply = useCallback((r: Result<WebhookDeliveryPage>, from: string | null) => {
    if (!r.ok) return setError(r.error);
    setError(null);
    setRows((prev) => (from ? [...(prev ?? []), ...r.value.data] : r.value.data));
    setCursor(r.value.nextCursor);
  }, []);
  const load = async (from: string | null) => apply(await fetchPage(from), from);
  useEffect(() => {
    let live = true;
    void fetchPage(null).then((r) => {
      if (live) apply(r, null);
    });
    return () => {
      live = false;
    };
  }, [fetchPage, apply, version]);

  const retry = async (d: WebhookDelivery) => {
    setRetryError(null);
    setBusy(d.id);
    const r = await client.call('admin:retryWebhookDelivery', { id: endpoint.id, deliveryId: d.id });
    setBusy(null);
    if (r.ok) setRows((list) => list?.map((x) => (x.id === d.id ? r.value : x)) ?? null);
    else setRetryError(r.error);
  };

  if (error && !rows)
    return <LoadError error={error} onRetry={() => void load(null)} what="the delivery log" />;
  if (!rows) return <Loading what="the delivery log" />;
  return (
    <Stack gap="xs">
      {retryError && <ActionError error={retryError} title="The delivery was not retried" />}
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          No deliveries yet. Send a test event to try the endpoint.
        </Text>
      ) : (
        <Table aria-label={`Deliveries to ${endpoint.url}`} verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Event</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Response</Table.Th>
              <Table.Th>Attempts</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => {
              const a = lastAttempt(d);
              return (
                <Table.Tr key={d.id}>
                  <Table.Td>{new Date(a?.at ?? d.createdAt).toLocaleString()}</Table.Td>
                  <Table.Td>{d.eventType}</Table.Td>
                  <Table.Td>
                    <Badge color={STATE[d.state].color} variant="dot">
                      {STATE[d.state].label}
                    </Badge>
                    {d.nextAttemptAt && (
                      <Text size="xs" c="dimmed">
                        next {new Date(d.nextAttemptAt).toLocaleTimeString()}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ maxWidth: 260, overflowWrap: 'anywhere' }}>
                    {a ? describeAttempt(a) : '—'}
                  </Table.Td>
                  <Table.Td>{d.attempts.length}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      loading={busy === d.id}
                      aria-label={`Retry ${d.eventType} delivery of ${new Date(d.createdAt).toLocaleString()}`}
                      onClick={() => void retry(d)}
                    >
                      Retry
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {error && <LoadError error={error} onRetry={() => void load(cursor)} what="older deliveries" />}
      {cursor && (
        <Group>
          <Button size="xs" variant="default" onClick={() => void load(cursor)}>
            Load older deliveries
          </Button>
        </Group>
      )}
    </Stack>
  );
}
