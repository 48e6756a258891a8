import { Stack } from '@mantine/core';
import { useMemo } from 'react';
import { atLeast } from '#contract/domain/roles';
import { useMembers, useSession, useTeams } from '../../../api';
import { compareText, contactLabel } from '../conversation-format';
import type { ListSelection } from '../selection/useListSelection';
import type { BulkAction } from './bulk-actions';
import { BulkBar } from './BulkBar';
import { BulkProgressNotice } from './BulkProgressNotice';
import { useBulkRun } from './useBulkRun';

/** Props of {@link BulkControls}. */
export interface BulkControlsProps {
  selection: ListSelection;
  /** Labels the list offers (most used first). */
  knownLabels: readonly string[];
}

/**
 * The list's bulk area: the action bar while rows are checked, and the progress notice of the
 * last run (which outlives the selection: a run clears the checks as it starts).
 */
export function BulkControls({ selection, knownLabels }: BulkControlsProps) {
  const { session } = useSession();
  const me = session?.status === 'signed_in' ? session.user : null;
  const members = useMembers();
  const teams = useTeams();
  const bulk = useBulkRun();
  const { checked } = selection;
  const checkedLabels = useMemo(
    () => [...new Set(checked.flatMap((c) => c.labels))].sort(compareText),
    [checked],
  );
  if (checked.length === 0 && !bulk.progress) return null;

  const run = (action: BulkAction) => {
    bulk.start(
      action,
      checked.map((c) => ({ conversation: c, name: contactLabel(c) })),
    );
    selection.clear();
  };
  return (
    <Stack gap={6}>
      {checked.length > 0 && (
        <BulkBar
          count={checked.length}
          canAssign={me ? atLeast(me.role, 'manager') : false}
          members={members ?? []}
          teams={teams ?? []}
          myUserId={me?.id ?? ''}
          knownLabels={knownLabels}
          checkedLabels={checkedLabels}
          onAction={run}
          onClear={selection.clear}
        />
      )}
      {bulk.progress && <BulkProgressNotice progress={bulk.progress} onDismiss={bulk.dismiss} />}
    </Stack>
  );
}
