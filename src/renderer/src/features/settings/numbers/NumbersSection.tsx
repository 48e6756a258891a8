import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { WhatsAppAccount, WhatsAppAccountStatus } from '#contract/api/whatsapp-accounts';
import type { AppError } from '#contract/result';
import { useParleyClient } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyField } from '../components/CopyField';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { ConnectNumberModal } from './ConnectNumberModal';
import { ReplaceTokenModal } from './ReplaceTokenModal';

const STATUS: Record<WhatsAppAccountStatus, { label: string; color: string }> = {
  connected: { label: 'Connected', color: 'green' },
  token_invalid: { label: 'Token invalid', color: 'red' },
  disconnected: { label: 'Disconnected', color: 'gray' },
};

/** WhatsApp numbers (admins): list, connect, replace token, sync templates, disconnect. */
export function NumbersSection() {
  const client = useParleyClient();
  const load = useCallback(() => client.call('admin:listNumbers'), [client]);
  const numbers = useRemote(load, true);
  const [connecting, setConnecting] = useState(false);
  const [replacing, setReplacing] = useState<WhatsAppAccount | null>(null);
  const [disconnecting, setDisconnecting] = useState<WhatsAppAccount | null>(null);
  const [syncing, setSyncing] = useState<string | null>(null);
  const [synced, setSynced] = useState<Record<string, string>>({});
  const [error, setError] = useState<{ title: string; error: AppError } | null>(null);

  const upsert = (a: WhatsAppAccount) =>
    numbers.setData((list) =>
      list?.some((x) => x.id === a.id) ? list.map((x) => (x.id === a.id ? a : x)) : [...(list ?? []), a],
    );

  const sync = async (a: WhatsAppAccount) => {
    setError(null);
    setSyncing(a.id);
    const r = await client.call('admin:syncTemplates', { id: a.id });
    setSyncing(null);
    if (r.ok)
      setSynced((s) => ({
        ...s,
        [a.id]: `Synced ${r.value.synced} templates (${r.value.changed} new or changed, ${r.value.markedDeleted} removed) at ${new Date().toLocaleTimeString()}.`,
      }));
    else setError({ title: `The templates of ${a.name} were not synced`, error: r.error });
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={560}>
          Each number needs its Meta credentials and the webhook below set in Meta’s App Dashboard.
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setConnecting(true)}>
          Connect number
        </Button>
      </Group>
      {error && <ActionError error={error.error} title={error.title} />}
      {numbers.error && !numbers.data ? (
        <LoadError error={numbers.error} onRetry={() => void numbers.reload()} what="WhatsApp numbers" />
      ) : !numbers.data ? (
        <Loading what="WhatsApp numbers" />
      ) : numbers.data.length === 0 ? (
        <Text size="sm">No number is connected yet. Connect one to start receiving customers’ messages.</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {numbers.data.map((a) => {
            const status = STATUS[a.status];
            const disconnected = a.status === 'disconnected';
            return (
              <Card key={a.id} withBorder component="article" aria-label={`Number ${a.name}`}>
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Title order={3} size="h5">
                      {a.name}
                    </Title>
                    {/* Dot badges: Mantine's light green label is 3.8:1 on its tint, under AA. */}
                    <Badge color={status.color} variant="dot">
                      {status.label}
                    </Badge>
                  </Group>
                  <Text size="sm">
                    {a.displayPhoneNumber ?? a.phoneNumberId}
                    {a.verifiedName ? ` · ${a.verifiedName}` : ''}
                  </Text>
                  {a.statusReason && (
                    <Text size="sm" c="red">
                      {a.statusReason}
                    </Text>
                  )}
                  <Text size="sm" c="dimmed">
                    Quality: {a.qualityRating ?? 'unknown'} · Throughput: {a.throughputMps} messages/s
                  </Text>
                  <CopyField label={`Webhook URL of ${a.name}`} value={a.webhookUrl} />
                  {synced[a.id] && (
                    <Text size="sm" role="status">
                      {synced[a.id]}
                    </Text>
                  )}
                  {!disconnected && (
                    <Group gap="xs">
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={`Replace token of ${a.name}`}
                        onClick={() => setReplacing(a)}
                      >
                        Replace token
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        loading={syncing === a.id}
                        aria-label={`Sync templates of ${a.name}`}
                        onClick={() => void sync(a)}
                      >
                        Sync templates
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Disconnect ${a.name}`}
                        onClick={() => setDisconnecting(a)}
                      >
                        Disconnect
                      </Button>
                    </Group>
                  )}
                </Stack>
              </Card>
            );
          })}
        </SimpleGrid>
      )}
      <ConnectNumberModal opened={connecting} onClose={() => setConnecting(false)} onConnected={upsert} />
      <ReplaceTokenModal account={replacing} onClose={() => setReplacing(null)} onReplaced={upsert} />
      <ConfirmDialog
        opened={disconnecting !== null}
        title={`Disconnect ${disconnecting?.name ?? ''}?`}
        confirmLabel="Disconnect"
        onClose={() => setDisconnecting(null)}
        onConfirm={async () => {
          if (!disconnecting) return;
          const r = await client.call('admin:disconnectNumber', { id: disconnecting.id });
          if (r.ok) await numbers.reload();
          else setError({ title: `${disconnecting.name} was not disconnected`, error: r.error });
        }}
      >
        Parley stops sending and receiving messages on this number. Its conversations and history are kept,
        and you can connect it again later.
      </ConfirmDialog>
    </Stack>
  );
}
