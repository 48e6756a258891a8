import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useState } from 'react';
import type { AutoAssignSettings } from '#contract/api/assignment';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { atLeast, type Role } from '#contract/domain/roles';
import { useMembers, useParleyClient, useTeams } from '../../api';
import { useNow } from '../inbox';
import { useWorkload } from './useWorkload';
import { WorkloadView } from './WorkloadView/WorkloadView';

/** The workload screen wired to the core: replica counts, assign through the outbox, REST settings. */
export function WorkloadArea({ role, online }: { role: Role; online: boolean }) {
  const client = useParleyClient();
  const workload = useWorkload();
  const members = useMembers();
  const teams = useTeams();
  const now = useNow();
  const isAdmin = atLeast(role, 'admin');
  const [autoAssign, setAutoAssign] = useState<AutoAssignSettings | undefined>(undefined);
  const [numbers, setNumbers] = useState<WhatsAppAccount[]>([]);
  useEffect(() => {
    if (!online) return;
    let live = true;
    void client.call('autoAssign:get').then((r) => live && r.ok && setAutoAssign(r.value));
    if (isAdmin) void client.call('admin:listNumbers').then((r) => live && r.ok && setNumbers(r.value));
    return () => {
      live = false;
    };
  }, [client, online, isAdmin]);

  const failed = (title: string, message: string) => notifications.show({ color: 'red', title, message });
  const onAssign = useCallback(
    (conversationId: string, assigneeId: string) =>
      void client.call('conversation:assign', { conversationId, assigneeId }).then((r) => {
        if (!r.ok) failed('Not assigned', r.error.message);
      }),
    [client],
  );
  const onSetCapacity = useCallback(
    (id: string, capacity: number | null) =>
      void client.call('members:setCapacity', { id, capacity }).then((r) => {
        if (!r.ok) failed('Capacity not changed', r.error.message);
      }),
    [client],
  );
  const onSetAutoAssign = useCallback(
    (kind: 'team' | 'number', id: string, enabled: boolean) =>
      void client.call('autoAssign:set', { kind, id, enabled }).then((r) => {
        if (r.ok) setAutoAssign(r.value);
        else failed('Auto-assignment not changed', r.error.message);
      }),
    [client],
  );
  return (
    <WorkloadView
      workload={workload}
      members={members}
      teams={teams}
      autoAssign={online ? autoAssign : undefined}
      numbers={numbers}
      isAdmin={isAdmin}
      now={now}
      onAssign={onAssign}
      onSetCapacity={onSetCapacity}
      onSetAutoAssign={onSetAutoAssign}
    />
  );
}
