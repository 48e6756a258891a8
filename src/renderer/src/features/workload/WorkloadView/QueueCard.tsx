import { Group, Paper, Switch, Text, Title } from '@mantine/core';
import type { Member } from '#contract/api/users';
import type { TeamQueue } from '#contract/ipc/assignment';
import { waitingLabel } from '../waiting';
import { ConversationTable } from './ConversationTable';

/** Props of {@link QueueCard}. */
export interface QueueCardProps {
  title: string;
  queue: TeamQueue;
  /** Who the conversations may go to (the team's members, or everyone for "No team"). */
  candidates: Member[];
  now: number;
  /** Auto-assignment switch (teams only); absent = no switch. */
  autoAssign?: { enabled: boolean; canChange: boolean; onChange(enabled: boolean): void };
  onAssign(conversationId: string, assigneeId: string): void;
  /** A row started being dragged (towards a member in the People table); with who may take it. */
  onDragStart?(conversationId: string, candidateIds: string[]): void;
  onDragEnd?(): void;
}

/** One team's unassigned queue: how many, the longest wait, and each conversation with Assign. */
export function QueueCard(props: QueueCardProps) {
  const { title, queue, candidates, now, autoAssign, onAssign } = props;
  const headingId = `queue-${queue.teamId ?? 'none'}`;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <div style={{ minWidth: 0 }}>
          <Title order={3} size="h5" id={headingId}>
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {queue.unassigned} unassigned
            {queue.oldestWaitingSince
              ? ` · oldest waiting ${waitingLabel(queue.oldestWaitingSince, now)}`
              : ''}
          </Text>
        </div>
        {autoAssign && (
          <Switch
            label="Auto-assign"
            aria-label={`Auto-assign ${title}`}
            checked={autoAssign.enabled}
            disabled={!autoAssign.canChange}
            onChange={(e) => autoAssign.onChange(e.currentTarget.checked)}
          />
        )}
      </Group>
      {queue.conversations.length > 0 && (
        <ConversationTable
          label={`${title} queue`}
          conversations={queue.conversations}
          candidatesFor={() => candidates}
          action="Assign"
          now={now}
          onAssign={onAssign}
          onDragStart={props.onDragStart}
          onDragEnd={props.onDragEnd}
        />
      )}
    </Paper>
  );
}
