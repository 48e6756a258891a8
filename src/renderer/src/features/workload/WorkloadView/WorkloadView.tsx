import { Alert, Loader, ScrollArea, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { AutoAssignSettings } from '#contract/api/assignment';
import type { Team } from '#contract/api/teams';
import type { Member } from '#contract/api/users';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import type { Workload } from '#contract/ipc/assignment';
import { MemberTable } from './MemberTable';
import { QueueCard } from './QueueCard';

/** Props of {@link WorkloadView}. */
export interface WorkloadViewProps {
  workload: Workload | undefined;
  members: Member[] | undefined;
  teams: Team[] | undefined;
  /** Where auto-assignment is on; undefined while loading or offline. */
  autoAssign: AutoAssignSettings | undefined;
  /** Numbers for the per-number switches (admins); empty hides the section. */
  numbers: WhatsAppAccount[];
  isAdmin: boolean;
  now: number;
  onAssign(conversationId: string, assigneeId: string): void;
  onSetCapacity(userId: string, capacity: number | null): void;
  onSetAutoAssign(kind: 'team' | 'number', id: string, enabled: boolean): void;
}

/**
 * The Team workload view (managers, admins): each member's availability, open and pending
 * conversations, capacity and longest-waiting customer; each team's unassigned queue with
 * Assign; and, for admins, where auto-assignment is on. Counts come from the replica.
 */
export function WorkloadView(p: WorkloadViewProps) {
  // The queue row being dragged onto a member (Assign's menu does the same from the keyboard).
  const [dragging, setDragging] = useState<{ conversationId: string; candidateIds: string[] } | null>(null);
  if (!p.workload || !p.members || !p.teams)
    return (
      <Stack align="center" justify="center" h="100%">
        <Loader aria-label="Loading the workload" />
      </Stack>
    );
  const { workload, members, teams } = p;
  const active = members.filter((m) => !m.deactivatedAt);
  const queueOf = (teamId: string | null) =>
    workload.queues.find((q) => q.teamId === teamId) ?? {
      teamId,
      unassigned: 0,
      oldestWaitingSince: null,
      conversations: [],
    };
  const noTeam = queueOf(null);
  const teamMembers = (teamId: string | null) => teams.find((t) => t.id === teamId)?.memberIds ?? [];
  const drag = {
    onAssign: p.onAssign,
    onDragStart: (conversationId: string, candidateIds: string[]) =>
      setDragging({ conversationId, candidateIds }),
    onDragEnd: () => setDragging(null),
  };
  return (
    <ScrollArea h="100%" type="auto">
      <Stack p="md" gap="lg" maw={1100}>
        <div>
          <Title order={2} size="h3">
            Team workload
          </Title>
          <Text size="sm" c="dimmed">
            Live from this device’s copy of the inbox. Capacity limits auto-assignment only.
          </Text>
        </div>
        <section aria-labelledby="workload-people">
          <Title order={3} size="h4" id="workload-people" mb="xs">
            People
          </Title>
          <MemberTable
            members={members}
            loads={workload.members}
            now={p.now}
            onSetCapacity={p.onSetCapacity}
            candidatesFor={(c, holderId) =>
              (c.teamId === null
                ? active
                : active.filter((m) => teamMembers(c.teamId).includes(m.id))
              ).filter((m) => m.id !== holderId)
            }
            {...drag}
            dragging={dragging}
            onDrop={(conversationId, assigneeId) => {
              setDragging(null);
              p.onAssign(conversationId, assigneeId);
            }}
          />
        </section>
        <section aria-labelledby="workload-queues">
          <Title order={3} size="h4" id="workload-queues" mb={4}>
            Unassigned queues
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            Drag a conversation onto a person above to assign it, or use its Assign menu. A person’s
            conversations (the arrow beside their name) reassign the same way.
          </Text>
          {p.autoAssign === undefined && (
            <Alert color="gray" mb="xs">
              Auto-assignment settings need a connection to the server.
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
            {teams.map((t) => (
              <QueueCard
                key={t.id}
                title={t.name}
                queue={queueOf(t.id)}
                candidates={active.filter((m) => t.memberIds.includes(m.id))}
                now={p.now}
                {...(p.autoAssign && {
                  autoAssign: {
                    enabled: p.autoAssign.teamIds.includes(t.id),
                    canChange: p.isAdmin,
                    onChange: (on: boolean) => p.onSetAutoAssign('team', t.id, on),
                  },
                })}
                {...drag}
              />
            ))}
            <QueueCard title="No team" queue={noTeam} candidates={active} now={p.now} {...drag} />
          </SimpleGrid>
        </section>
        {p.isAdmin && p.autoAssign && p.numbers.length > 0 && (
          <section aria-labelledby="workload-numbers">
            <Title order={3} size="h4" id="workload-numbers" mb={4}>
              Auto-assignment by number
            </Title>
            <Text size="sm" c="dimmed" mb="xs">
              New and reopened conversations of these numbers go to the available member with the fewest open
              conversations (their team’s members when the conversation has a team).
            </Text>
            <Stack gap={6}>
              {p.numbers.map((n) => (
                <Switch
                  key={n.id}
                  label={n.name}
                  checked={p.autoAssign!.whatsappAccountIds.includes(n.id)}
                  onChange={(e) => p.onSetAutoAssign('number', n.id, e.currentTarget.checked)}
                />
              ))}
            </Stack>
          </section>
        )}
      </Stack>
    </ScrollArea>
  );
}
