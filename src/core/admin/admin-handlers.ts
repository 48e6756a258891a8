import { adminIpc, type AdminChannel } from '#contract/ipc/admin';
import type { Out, Parsed } from '#contract/ipc/contract';
import { ok, type Result } from '#contract/result';
import { createAdminRest, type AdminDeps } from './rest';
import { createTemplateMediaUploads, type TemplateMediaUploadDeps } from './template-media-upload';

/**
 * The admin channels the replica answers instead (`commands/canned-commands.ts`): canned
 * responses are an agent's working data, written offline through the outbox.
 */
export type ReplicaAdminChannel =
  'admin:createCannedResponse' | 'admin:updateCannedResponse' | 'admin:deleteCannedResponse';

/** The Settings area's REST handlers, one per admin channel the replica does not answer. */
export type AdminHandlers = {
  [C in Exclude<AdminChannel, ReplicaAdminChannel>]: (input: Parsed<C>) => Promise<Result<Out<C>>>;
};

export type { AdminDeps } from './rest';

/** The Settings area's deps, plus the raw-body upload and the events it reports progress on. */
export type AdminHandlerDeps = AdminDeps & TemplateMediaUploadDeps;

const done = { done: true as const };

/**
 * The Settings area's channels over the server's REST API (`/api/v1/users`, `/teams`,
 * `/whatsapp-accounts`, `/organization`, `/audit-events`). Online-only by design: this is
 * administration, not an agent's work, so nothing is queued offline — an unreachable server
 * answers `server_unreachable` at once and the screen says so. The server is the authority on
 * who may do what (a manager's write answers `forbidden`); every 2xx body is parsed with the
 * channel's output schema, since the server may be another version.
 */
export function createAdminHandlers({ session, auth, events }: AdminHandlerDeps): AdminHandlers {
  const { call, all, remove } = createAdminRest({ session, auth });
  const seg = encodeURIComponent;

  return {
    ...createTemplateMediaUploads({ session, auth, events }),
    'admin:listMembers': () => all(adminIpc['admin:listMembers'].output.element, '/api/v1/users'),
    'admin:inviteMember': (i) => call(adminIpc['admin:inviteMember'].output, 'POST', '/api/v1/users', i),
    'admin:updateMember': (i) =>
      call(adminIpc['admin:updateMember'].output, 'PATCH', `/api/v1/users/${seg(i.id)}`, i.patch),
    'admin:resetPassword': (i) =>
      call(adminIpc['admin:resetPassword'].output, 'POST', `/api/v1/users/${seg(i.id)}/password-reset`),
    'admin:setNumberDefaultTeam': (i) =>
      call(
        adminIpc['admin:setNumberDefaultTeam'].output,
        'PUT',
        `/api/v1/whatsapp-accounts/${seg(i.id)}/default-team`,
        { teamId: i.teamId },
      ),
    'admin:listTeams': () => all(adminIpc['admin:listTeams'].output.element, '/api/v1/teams'),
    'admin:createTeam': (i) => call(adminIpc['admin:createTeam'].output, 'POST', '/api/v1/teams', i),
    'admin:renameTeam': (i) =>
      call(adminIpc['admin:renameTeam'].output, 'PATCH', `/api/v1/teams/${seg(i.id)}`, { name: i.name }),
    'admin:deleteTeam': async (i) => {
      const r = await session.withToken((url, token) =>
        auth.send(url, 'DELETE', `/api/v1/teams/${seg(i.id)}`, { accessToken: token }),
      );
      return r.ok ? ok(done) : r;
    },
    'admin:setTeamMember': (i) =>
      call(
        adminIpc['admin:setTeamMember'].output,
        i.member ? 'PUT' : 'DELETE',
        `/api/v1/teams/${seg(i.teamId)}/members/${seg(i.userId)}`,
      ),
    'admin:listNumbers': () => all(adminIpc['admin:listNumbers'].output.element, '/api/v1/whatsapp-accounts'),
    'admin:connectNumber': (i) =>
      call(adminIpc['admin:connectNumber'].output, 'POST', '/api/v1/whatsapp-accounts', i),
    'admin:updateNumber': (i) =>
      call(adminIpc['admin:updateNumber'].output, 'PATCH', `/api/v1/whatsapp-accounts/${seg(i.id)}`, i.patch),
    'admin:syncTemplates': (i) =>
      call(
        adminIpc['admin:syncTemplates'].output,
        'POST',
        `/api/v1/whatsapp-accounts/${seg(i.id)}/sync-templates`,
      ),
    'admin:disconnectNumber': async (i) => {
      const r = await session.withToken((url, token) =>
        auth.send(url, 'DELETE', `/api/v1/whatsapp-accounts/${seg(i.id)}`, { accessToken: token }),
      );
      return r.ok ? ok(done) : r;
    },
    'admin:getOrganization': () =>
      call(adminIpc['admin:getOrganization'].output, 'GET', '/api/v1/organization'),
    'admin:updateOrganization': (i) =>
      call(adminIpc['admin:updateOrganization'].output, 'PATCH', '/api/v1/organization', i),
    'admin:getUsage': () => call(adminIpc['admin:getUsage'].output, 'GET', '/api/v1/organization/usage'),
    'admin:createLabel': (i) => call(adminIpc['admin:createLabel'].output, 'POST', '/api/v1/labels', i),
    'admin:updateLabel': (i) =>
      call(adminIpc['admin:updateLabel'].output, 'PATCH', `/api/v1/labels/${seg(i.id)}`, i.patch),
    'admin:deleteLabel': (i) => remove(`/api/v1/labels/${seg(i.id)}`),
    'admin:createTemplate': (i) =>
      call(adminIpc['admin:createTemplate'].output, 'POST', '/api/v1/templates', i),
    'admin:editTemplate': (i) =>
      call(adminIpc['admin:editTemplate'].output, 'PUT', `/api/v1/templates/${seg(i.id)}`, i.body),
    'admin:deleteTemplate': async (i) => {
      const r = await session.withToken((url, token) =>
        auth.send(url, 'DELETE', `/api/v1/templates/${seg(i.id)}`, { accessToken: token }),
      );
      return r.ok ? ok(done) : r;
    },
    'admin:listAuditEvents': (i) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(i)) if (v !== undefined) q.set(k, String(v));
      return call(adminIpc['admin:listAuditEvents'].output, 'GET', `/api/v1/audit-events?${q}`);
    },
    'admin:reportOverview': (i) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(i)) if (v !== undefined) q.set(k, String(v));
      return call(adminIpc['admin:reportOverview'].output, 'GET', `/api/v1/reports/overview?${q}`);
    },
  };
}
