import { Badge, Button, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';
import type { WhatsAppAccount, WhatsAppAccountStatus } from '#contract/api/whatsapp-accounts';
import { CopyField } from '../components/CopyField';
import { VerificationBadge } from './WebhookVerification';

const STATUS: Record<WhatsAppAccountStatus, { label: string; color: string }> = {
  connected: { label: 'Connected', color: 'green' },
  token_invalid: { label: 'Token invalid', color: 'red' },
  disconnected: { label: 'Disconnected', color: 'gray' },
};

/** The owner picker's value for "no member": the organization's number. */
const ORGANIZATION = 'organization';

/** Props of {@link NumberCard}. */
export interface NumberCardProps {
  account: WhatsAppAccount;
  teams: Team[];
  /** Who the number may be given to: the organization's active members. */
  members: Member[];
  /** The organization's default number (integrations send from it when they name none). */
  isDefault: boolean;
  syncing: boolean;
  /** The last manual sync's outcome, in a sentence. */
  synced: string | undefined;
  onReplaceToken(): void;
  onSync(): void;
  onDisconnect(): void;
  onDefaultTeam(teamId: string | null): void;
  /** Gives the number to a member, or back to the organization (null). */
  onOwner(ownerUserId: string | null): void;
}

/** One WhatsApp number: status, quality, webhook and its verification, default team, actions. */
export function NumberCard({
  account: a,
  teams,
  members,
  isDefault,
  syncing,
  synced,
  ...on
}: NumberCardProps) {
  const status = STATUS[a.status];
  const disconnected = a.status === 'disconnected';
  const active = members.filter((m) => m.deactivatedAt === null);
  // "The organization" is an option rather than a clear button, which Mantine hides from
  // keyboards and screen readers. A current owner stays listed even if the replica lags.
  const owners = [
    { value: ORGANIZATION, label: 'The organization' },
    ...active.map((m) => ({ value: m.id, label: m.name })),
    ...(a.ownerUserId && !active.some((m) => m.id === a.ownerUserId)
      ? [{ value: a.ownerUserId, label: 'A former member' }]
      : []),
  ];
  return (
    <Card withBorder component="article" aria-label={`Number ${a.name}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5">
            {a.name}
          </Title>
          <Group gap={6}>
            {isDefault && (
              <Badge color="blue" variant="dot">
                Default number
              </Badge>
            )}
            {/* Dot badges: Mantine's light green label is 3.8:1 on its tint, under AA. */}
            <Badge color={status.color} variant="dot">
              {status.label}
            </Badge>
          </Group>
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
        {!disconnected && <VerificationBadge account={a} />}
        {!disconnected && (
          <Select
            label="Default team"
            aria-label={`Default team of ${a.name}`}
            description="New conversations on this number land in this team"
            placeholder="No team"
            clearable
            size="xs"
            data={teams.map((t) => ({ value: t.id, label: t.name }))}
            value={a.defaultTeamId}
            onChange={(v) => {
              if (v !== a.defaultTeamId) on.onDefaultTeam(v);
            }}
          />
        )}
        {!disconnected && (
          <Select
            label="Belongs to"
            aria-label={`Owner of ${a.name}`}
            description="A member’s number: its new conversations are theirs, seen only by them, managers and admins"
            allowDeselect={false}
            size="xs"
            data={owners}
            value={a.ownerUserId ?? ORGANIZATION}
            onChange={(v) => {
              const next = v === null || v === ORGANIZATION ? null : v;
              if (next !== a.ownerUserId) on.onOwner(next);
            }}
          />
        )}
        {synced && (
          <Text size="sm" role="status">
            {synced}
          </Text>
        )}
        {!disconnected && (
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              aria-label={`Replace token of ${a.name}`}
              onClick={on.onReplaceToken}
            >
              Replace token
            </Button>
            <Button
              size="xs"
              variant="default"
              loading={syncing}
              aria-label={`Sync templates of ${a.name}`}
              onClick={on.onSync}
            >
              Sync templates
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              aria-label={`Disconnect ${a.name}`}
              onClick={on.onDisconnect}
            >
              Disconnect
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
