import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import type { AppError } from '#contract/result';
import { useMembers, useParleyClient, useTeams } from '../../../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ActionError, LoadError, Loading } from '../components/Notices';
import { useRemote } from '../components/useRemote';
import { ConnectNumberModal } from './ConnectNumberModal';
import { NumberCard } from './NumberCard';
import { ReplaceTokenModal } from './ReplaceTokenModal';

/**
 * WhatsApp numbers (admins): list, connect (with the webhook verification step), default team,
 * owner (a member's number, issue 10), replace token, sync templates, disconnect.
 */
export function NumbersSection() {
  const client = useParleyClient();
  const load = useCallback(() => client.call('admin:listNumbers'), [client]);
  const numbers = useRemote(load, true);
  const teams = useTeams();
  const members = useMembers();
  // Only for the "Default number" badge; it is chosen in Settings > Organization.
  const loadOrg = useCallback(() => client.call('admin:getOrganization'), [client]);
  const org = useRemote(loadOrg, true);
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

  const setDefaultTeam = async (a: WhatsAppAccount, teamId: string | null) => {
    setError(null);
    const r = await client.call('admin:setNumberDefaultTeam', { id: a.id, teamId });
    if (r.ok) upsert(r.value);
    else setError({ title: `The default team of ${a.name} was not changed`, error: r.error });
  };

  const setOwner = async (a: WhatsAppAccount, ownerUserId: string | null) => {
    setError(null);
    const r = await client.call('admin:updateNumber', { id: a.id, patch: { ownerUserId } });
    if (r.ok) upsert(r.value);
    else setError({ title: `The owner of ${a.name} was not changed`, error: r.error });
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
          {numbers.data.map((a) => (
            <NumberCard
              key={a.id}
              account={a}
              teams={teams ?? []}
              members={members ?? []}
              isDefault={org.data?.defaultWhatsappAccountId === a.id}
              syncing={syncing === a.id}
              synced={synced[a.id]}
              onReplaceToken={() => setReplacing(a)}
              onSync={() => void sync(a)}
              onDisconnect={() => setDisconnecting(a)}
              onDefaultTeam={(teamId) => void setDefaultTeam(a, teamId)}
              onOwner={(ownerUserId) => void setOwner(a, ownerUserId)}
            />
          ))}
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
