import { ActionIcon, Alert, Box, Button, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import {
  IconAddressBook,
  IconCircleCheck,
  IconRotateClockwise,
  IconStar,
  IconStarFilled,
  IconX,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';
import type { InboxConversation } from '#contract/ipc/contract';
import { formatDateTime } from '../../../components/format';
import { safeLabel } from '../../../components/FormattedText';
import type { ConversationActions } from '../useConversationActions';
import { AssignControl } from './AssignControl';
import { LabelsEditor } from './LabelsEditor';
import { SnoozeMenu } from './SnoozeMenu';
import { WindowCountdown } from './WindowCountdown';

/** Props of {@link ConversationHeader}. */
export interface ConversationHeaderProps {
  conversation: InboxConversation;
  /** The contact's display name. */
  name: string;
  /** Number (or WhatsApp id / username when there is no number). */
  subtitle: string | null;
  members: Member[];
  teams: Team[];
  myUserId: string;
  canAssign: boolean;
  actions: ConversationActions;
  isContactPanelOpen: boolean;
  onToggleContactPanel(): void;
  onClose?: () => void;
  /** Who else is viewing or typing here (a line under the name). */
  presence?: ReactNode;
}

const STATUS_TEXT: Record<InboxConversation['status'], string> = {
  open: 'Open',
  pending: 'Pending',
  resolved: 'Resolved',
  snoozed: 'Snoozed',
};

/**
 * The conversation's header: contact, the live 24-hour window, assignment (Assign or Claim),
 * status actions (Resolve, Reopen, Snooze), the Important toggle and labels; refusals of these
 * writes (by the app at once, or by the server later) are shown under it until dismissed.
 */
export function ConversationHeader({
  conversation: c,
  name,
  subtitle,
  members,
  teams,
  myUserId,
  canAssign,
  actions,
  isContactPanelOpen,
  onToggleContactPanel,
  onClose,
  presence,
}: ConversationHeaderProps) {
  const statusLine =
    c.status === 'snoozed'
      ? c.snoozedUntil
        ? `Snoozed until ${formatDateTime(c.snoozedUntil)}`
        : 'Snoozed until the customer replies'
      : STATUS_TEXT[c.status];
  return (
    <Box
      component="header"
      px="md"
      py="xs"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      {/* The name block grows and truncates; the controls stay whole: when both do not fit on
          one line the controls move to a line of their own (and wrap there in a very narrow
          pane), so no control is ever clipped. */}
      <Group justify="space-between" wrap="wrap" gap="xs">
        {/* At least 24rem (or the whole line): the window chip alone is ~18rem and must leave the
            name room, so the controls wrap below rather than squeezing the name to nothing; in a
            pane narrower than name + chip the chip itself wraps under the name. */}
        <Group gap="sm" wrap="wrap" miw="min(100%, 24rem)" style={{ flex: '1 1 24rem' }}>
          {onClose && (
            <ActionIcon variant="subtle" color="gray" onClick={onClose} aria-label="Close conversation">
              <IconX size={18} aria-hidden />
            </ActionIcon>
          )}
          <Box miw="8rem" style={{ flex: '1 1 8rem' }}>
            <Tooltip label={name} openDelay={400} withArrow position="bottom-start">
              <Title order={2} size="h4" lineClamp={1} dir="auto" style={{ overflowWrap: 'anywhere' }}>
                {name}
              </Title>
            </Tooltip>
            <Group gap="xs" wrap="nowrap">
              {subtitle && (
                <Text size="sm" c="dimmed" lineClamp={1}>
                  {subtitle}
                </Text>
              )}
              <Text size="sm" c="dimmed" lineClamp={1}>
                · {statusLine}
                {c.hasPendingChanges ? ' (saving…)' : ''}
              </Text>
            </Group>
            {presence}
          </Box>
          <Box style={{ flex: 'none' }}>
            <WindowCountdown windowExpiresAt={c.windowExpiresAt} />
          </Box>
        </Group>
        <Group
          gap="xs"
          wrap="wrap"
          justify="flex-end"
          style={{ flex: '0 1 auto', marginInlineStart: 'auto' }}
        >
          <AssignControl
            assigneeId={c.assigneeId}
            teamId={c.teamId}
            members={members}
            teams={teams}
            myUserId={myUserId}
            canAssign={canAssign}
            onAssign={(assigneeId, teamId) => void actions.assign(assigneeId, teamId)}
            onClaim={() => void actions.claim()}
          />
          {c.status === 'resolved' || c.status === 'snoozed' ? (
            <Button
              size="compact-sm"
              variant="default"
              leftSection={<IconRotateClockwise size={14} aria-hidden />}
              onClick={() => void actions.setStatus('open')}
            >
              Reopen
            </Button>
          ) : (
            <Button
              size="compact-sm"
              leftSection={<IconCircleCheck size={14} aria-hidden />}
              onClick={() => void actions.setStatus('resolved')}
            >
              Resolve
            </Button>
          )}
          {c.status !== 'resolved' && (
            <SnoozeMenu onSnooze={(until) => void actions.setStatus('snoozed', until)} />
          )}
          <Tooltip label={c.important ? 'Marked important' : 'Mark important'} withArrow>
            <ActionIcon
              variant={c.important ? 'light' : 'subtle'}
              color={c.important ? 'yellow' : 'gray'}
              aria-label="Important"
              aria-pressed={c.important}
              onClick={() => void actions.setImportant(!c.important)}
            >
              {c.important ? (
                <IconStarFilled size={16} aria-hidden color="var(--mantine-color-yellow-7)" />
              ) : (
                <IconStar size={16} aria-hidden />
              )}
            </ActionIcon>
          </Tooltip>
          <LabelsEditor labels={c.labels} onChange={(labels) => void actions.setLabels(labels)} />
          <Tooltip label={isContactPanelOpen ? 'Hide contact details' : 'Show contact details'} withArrow>
            <ActionIcon
              variant={isContactPanelOpen ? 'light' : 'subtle'}
              color="gray"
              aria-label="Contact details"
              aria-pressed={isContactPanelOpen}
              onClick={onToggleContactPanel}
            >
              <IconAddressBook size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      {(actions.actionError || actions.rejections.length > 0) && (
        <Stack gap={4} mt="xs">
          {actions.actionError && (
            <Alert
              color="red"
              p="xs"
              withCloseButton
              closeButtonLabel="Dismiss"
              onClose={actions.clearActionError}
              role="alert"
            >
              <Text size="sm">{actions.actionError}</Text>
            </Alert>
          )}
          {actions.rejections.map((r) => (
            <Alert key={r.mutationId} color="red" p="xs" role="alert">
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text size="sm">
                  <strong>{safeLabel(r.summary, 80)}</strong> was refused:{' '}
                  {safeLabel(r.error?.message, 500) || 'the server did not accept this change.'}
                </Text>
                <Group gap={4} wrap="nowrap">
                  {r.canRetry && (
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() => void actions.retryRejection(r.mutationId)}
                    >
                      Retry
                    </Button>
                  )}
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => void actions.dismissRejection(r.mutationId)}
                  >
                    Dismiss
                  </Button>
                </Group>
              </Group>
            </Alert>
          ))}
        </Stack>
      )}
    </Box>
  );
}
