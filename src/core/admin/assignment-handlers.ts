import { assignmentIpc } from '#contract/ipc/assignment';
import { createAdminRest, type AdminDeps } from './rest';

/**
 * The online-only assignment channels over REST (`/api/v1/me/availability`,
 * `/users/:id/capacity`, `/auto-assignment`, `/teams|whatsapp-accounts/:id/auto-assign`). Like
 * the Settings area nothing is queued offline: availability tells teammates something true
 * NOW, so an unreachable server answers at once and the menu says so. The member row the
 * server answers also arrives through sync; the answer lets the menu confirm at once.
 */
export function createAssignmentHandlers({ session, auth }: AdminDeps) {
  const { call } = createAdminRest({ session, auth });
  const seg = encodeURIComponent;
  const ipc = assignmentIpc;
  return {
    'availability:set': (i: { availability: 'available' | 'away' }) =>
      call(ipc['availability:set'].output, 'PUT', '/api/v1/me/availability', i),
    'members:setCapacity': (i: { id: string; capacity: number | null }) =>
      call(ipc['members:setCapacity'].output, 'PUT', `/api/v1/users/${seg(i.id)}/capacity`, {
        capacity: i.capacity,
      }),
    'autoAssign:get': () => call(ipc['autoAssign:get'].output, 'GET', '/api/v1/auto-assignment'),
    'autoAssign:set': (i: { kind: 'team' | 'number'; id: string; enabled: boolean }) =>
      call(
        ipc['autoAssign:set'].output,
        'PUT',
        `/api/v1/${i.kind === 'team' ? 'teams' : 'whatsapp-accounts'}/${seg(i.id)}/auto-assign`,
        { enabled: i.enabled },
      ),
  };
}
