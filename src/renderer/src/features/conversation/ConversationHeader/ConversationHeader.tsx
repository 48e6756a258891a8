import { ActionIcon, Alert, Box, Button, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import {
  IconAddressBook,
  IconCircleCheck,
  IconRotateClockwise,
  IconStar,
  IconStarFilled,
  IconX,
} from '@tabler/icons-react';
import { useRef, type ReactNode } from 'react';
import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';
import type { InboxConversation } from '#contract/ipc/contract';
import { formatDateTime } from '../../../components/format';
import { useOverflowLevel } from '../../../hooks/useOverflowLevel';
import { safeLabel } from '../../../components/FormattedText';
import type { ConversationActions } from '../useConversationActions';
import { AssignControl, type AssignControlProps } from './AssignControl';
import { HEADER_FIT_STEPS, HeaderMoreMenu, headerFit } from './HeaderMoreMenu';
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

/** The contact's name keeps at least this much room (px) before controls move to the menu. */
const NAME_MIN_WIDTH = 120;

const STATUS_TEXT: Record<InboxConversation['status'], string> = {
  open: 'Open',
  pending: 'Pending',
  resolved: 'Resolved',
  snoozed: 'Snoozed',
};

/**
 * The conversation's header: contact, the live 24-hour window, assignment (Assign or Claim),
 * status actions (Resolve, Reopen, Snooze), the Important toggle and labels, on one line: what
 * does not fit moves into a "More actions" menu. Refusals of these writes (by the app at once, or by the server later) are shown under it until dismissed.
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
  const rowRef = useRef<HTMLDivElement>(null);
  const nameRef = useRef<HTMLDivElement>(null);
  // What the row shows besides the fixed parts: a change may need more or less room.
  const contentKey = [
    name,
    c.status,
    c.assigneeId,
    c.teamId,
    c.important,
    c.labels.join('\u0001'),
    canAssign,
  ].join('|');
  const level = useOverflowLevel(
    { row: rowRef, flexible: nameRef, minWidth: NAME_MIN_WIDTH },
    HEADER_FIT_STEPS,
    contentKey,
  );
  const fit = headerFit(level);
  const assign: AssignControlProps = {
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    members,
    teams,
    myUserId,
    canAssign,
    onAssign: (assigneeId, teamId) => void actions.assign(assigneeId, teamId),
    onClaim: () => void actions.claim(),
  };
  const isClosedStatus = c.status === 'resolved' || c.status === 'snoozed';
  return (
    <Box
      component="header"
      px="md"
      py="xs"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      {/* One line: the name gives way first (truncated, the full name in its tooltip), then the
          controls move one by one into "More actions" (see headerFit), so none is ever clipped
          or wrapped under the contact panel. */}
      <div ref={rowRef} style={{ display: 'flex', alignItems: 'center', gap: 'var(--mantine-spacing-xs)' }}>
        {onClose && (
          <ActionIcon
            variant="subtle"
            color="gray"
            onClick={onClose}
            aria-label="Close conversation"
            style={{ flex: 'none' }}
          >
            <IconX size={18} aria-hidden />
          </ActionIcon>
        )}
        <div ref={nameRef} style={{ flex: '1 1 0', minWidth: 0 }}>
          <Tooltip label={name} openDelay={400} withArrow position="bottom-start">
            <Title order={2} size="h4" lineClamp={1} dir="auto" style={{ overflowWrap: 'anywhere' }}>
              {name}
            </Title>
          </Tooltip>
          {/* Shortened first when the header is tight ("+5511987… ·…"): the whole line is its
              tooltip. */}
          <Tooltip
            label={[subtitle, statusLine].filter(Boolean).join(' · ')}
            openDelay={400}
            withArrow
            position="bottom-start"
          >
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
          </Tooltip>
          {presence}
        </div>
        <Box style={{ flex: 'none' }}>
          <WindowCountdown windowExpiresAt={c.windowExpiresAt} size={fit.chip} />
        </Box>
        {!fit.assign && (
          <Box style={{ flex: 'none' }}>
            <AssignControl {...assign} showLabel={!fit.assignText} />
          </Box>
        )}
        {!fit.status &&
          (isClosedStatus ? (
            <Button
              size="compact-sm"
              variant="default"
              leftSection={<IconRotateClockwise size={14} aria-hidden />}
              onClick={() => void actions.setStatus('open')}
              style={{ flex: 'none' }}
            >
              Reopen
            </Button>
          ) : (
            <Button
              size="compact-sm"
              leftSection={<IconCircleCheck size={14} aria-hidden />}
              onClick={() => void actions.setStatus('resolved')}
              style={{ flex: 'none' }}
            >
              Resolve
            </Button>
          ))}
        {!fit.snooze && c.status !== 'resolved' && (
          <SnoozeMenu onSnooze={(until) => void actions.setStatus('snoozed', until)} />
        )}
        {!fit.important && (
          <Tooltip label={c.important ? 'Marked important' : 'Mark important'} withArrow>
            <ActionIcon
              variant={c.important ? 'light' : 'subtle'}
              color={c.important ? 'yellow' : 'gray'}
              aria-label="Important"
              aria-pressed={c.important}
              onClick={() => void actions.setImportant(!c.important)}
              style={{ flex: 'none' }}
            >
              {c.important ? (
                <IconStarFilled size={16} aria-hidden color="var(--mantine-color-yellow-7)" />
              ) : (
                <IconStar size={16} aria-hidden />
              )}
            </ActionIcon>
          </Tooltip>
        )}
        {!fit.labels && (
          <Box style={{ flex: 'none' }}>
            <LabelsEditor labels={c.labels} onChange={(labels) => void actions.setLabels(labels)} />
          </Box>
        )}
        {level > 0 && <HeaderMoreMenu conversation={c} fit={fit} assign={assign} actions={actions} />}
        <Tooltip label={isContactPanelOpen ? 'Hide contact details' : 'Show contact details'} withArrow>
          <ActionIcon
            variant={isContactPanelOpen ? 'light' : 'subtle'}
            color="gray"
            aria-label="Contact details"
            aria-pressed={isContactPanelOpen}
            onClick={onToggleContactPanel}
            style={{ flex: 'none' }}
          >
            <IconAddressBook size={16} aria-hidden />
          </ActionIcon>
        </Tooltip>
      </div>
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
