import type { Team } from '#contract/api/teams';
import type { SessionUser } from '#contract/api/auth';
import { atLeast } from '#contract/domain/roles';
import type { InboxView } from '#contract/ipc/contract';
import { viewKey } from '../../api';

/** A view the navigation offers. */
export interface InboxViewOption {
  /** `mine`, `unassigned`, `all` or `team:<id>`. */
  key: string;
  view: InboxView;
  teamId?: string;
  label: string;
}

/**
 * The views a user may pick: Mine and Unassigned for everyone, All for managers and admins,
 * then one per team: the user's own teams, or every team for managers and admins.
 */
export function inboxViews(
  user: Pick<SessionUser, 'id' | 'role'>,
  teams: readonly Team[] | undefined,
): InboxViewOption[] {
  const isManager = atLeast(user.role, 'manager');
  const views: InboxViewOption[] = [
    { key: 'mine', view: 'mine', label: 'Mine' },
    { key: 'unassigned', view: 'unassigned', label: 'Unassigned' },
  ];
  if (isManager) views.push({ key: 'all', view: 'all', label: 'All' });
  for (const team of teams ?? []) {
    if (!isManager && !team.memberIds.includes(user.id)) continue;
    views.push({
      key: viewKey({ view: 'team', teamId: team.id }),
      view: 'team',
      teamId: team.id,
      label: team.name,
    });
  }
  return views;
}

/** The view a user starts in: Mine for agents, All for managers and admins. */
export function defaultView(user: Pick<SessionUser, 'role'>): InboxView {
  return atLeast(user.role, 'manager') ? 'all' : 'mine';
}
