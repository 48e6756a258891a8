/**
 * The contract's channel and event names as plain data, apart from the zod table in
 * `contract.ts`: the sandboxed preload bundles this file alone (a sandboxed preload can only
 * `require('electron')`, so it cannot load zod at run time). `contract.ts` types its table and
 * event map against these lists, so a name here without an entry there (or the reverse) fails
 * to compile. Adding a channel is one name here, one entry in the table, and its handler.
 */

/** Every channel (`domain:verb`), in table order. */
export const channelNames = [
  'app:info',
  'app:setAttention',
  'app:takeInviteLink',
  'session:get',
  'session:signIn',
  'session:signOut',
  'session:acceptInvite',
  'profile:update',
  'profile:changePassword',
  'settings:get',
  'settings:set',
  'sync:getStatus',
  'conversations:list',
  'conversations:counts',
  'conversation:get',
  'messages:list',
  'messages:range',
  'notes:list',
  'templates:list',
  'members:list',
  'teams:list',
  'labels:list',
  'cannedResponses:list',
  'organization:businessHours',
  'messages:send',
  'conversation:setStatus',
  'conversation:assign',
  'conversation:claim',
  'conversation:setImportant',
  'conversation:setLabels',
  'conversation:markRead',
  'conversation:markUnread',
  'note:add',
  'contact:update',
  'outbox:list',
  'outbox:retry',
  'outbox:discard',
  'drafts:get',
  'drafts:set',
  'media:get',
  'media:stage',
  'media:open',
  'media:save',
  'presence:set',
  'sync:setBackfill',
  // availability, capacity, auto-assignment and the workload view (contract/ipc/assignment.ts)
  'availability:set',
  'members:setCapacity',
  'autoAssign:get',
  'autoAssign:set',
  'workload:get',
  // the Settings area (contract/ipc/admin.ts): online-only, forwarded to the server's REST API
  'admin:listMembers',
  'admin:inviteMember',
  'admin:updateMember',
  'admin:resetPassword',
  'admin:listTeams',
  'admin:createTeam',
  'admin:renameTeam',
  'admin:deleteTeam',
  'admin:setTeamMember',
  'admin:listNumbers',
  'admin:connectNumber',
  'admin:updateNumber',
  'admin:syncTemplates',
  'admin:disconnectNumber',
  'admin:setNumberDefaultTeam',
  'admin:getOrganization',
  'admin:updateOrganization',
  'admin:getUsage',
  'admin:listAuditEvents',
  // API keys and outgoing webhooks (contract/ipc/integrations.ts)
  'admin:listApiKeys',
  'admin:createApiKey',
  'admin:revokeApiKey',
  'admin:listWebhooks',
  'admin:createWebhook',
  'admin:updateWebhook',
  'admin:deleteWebhook',
  'admin:rotateWebhookSecret',
  'admin:testWebhook',
  'admin:listWebhookDeliveries',
  'admin:retryWebhookDelivery',
  'admin:listIntakes',
  'admin:createIntake',
  'admin:rotateIntakeSecret',
  'admin:deleteIntake',
  // labels and canned responses (Settings > Labels, Settings > Canned responses)
  'admin:createLabel',
  'admin:updateLabel',
  'admin:deleteLabel',
  'admin:createCannedResponse',
  'admin:updateCannedResponse',
  'admin:deleteCannedResponse',
  'admin:uploadTemplateMedia',
  'admin:cancelTemplateMedia',
  'admin:createTemplate',
  'admin:editTemplate',
  'admin:deleteTemplate',
  'admin:reportOverview',
] as const;

/** A channel name. */
export type Channel = (typeof channelNames)[number];

/** Every event from main to the renderer. */
export const eventNames = [
  'session:changed',
  'sync:status',
  'replica:changed',
  'settings:changed',
  'conversation:revoked',
  'presence:changed',
  'media:progress',
  'templateMedia:progress',
] as const;

/** An event name. */
export type EventName = (typeof eventNames)[number];

/** Whether a string from outside (a page, a socket frame) names a contract channel. */
export const isChannel = (name: unknown): name is Channel =>
  typeof name === 'string' && (channelNames as readonly string[]).includes(name);

/** Whether a string from outside names a contract event. */
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && (eventNames as readonly string[]).includes(name);
