import { z } from 'zod';
import { text } from '../domain/text';
import { AuditEventPage, ListAuditEventsQuery } from '../api/audit';
import { Password, PersonName } from '../api/common';
import { MessageUsage, Organization, UpdateOrganizationBody } from '../api/organization';
import { CreateTemplateBody, EditTemplateBody, Template } from '../api/templates';
import { TEMPLATE_MEDIA_LIMITS, TemplateMediaHandle, TemplateMediaType } from '../api/template-media';
import { ReportOverview, ReportRangeQuery } from '../api/reports';
import { CreateTeamBody, Team, TeamName } from '../api/teams';
import { CreateLabelBody, Label, UpdateLabelBody } from '../api/labels';
import { CannedResponse, CreateCannedResponseBody, UpdateCannedResponseBody } from '../api/canned-responses';
import {
  CreateUserBody,
  CreateUserResponse,
  Member,
  PasswordResetResponse,
  UpdateUserBody,
} from '../api/users';
import {
  CreateWhatsAppAccountBody,
  SyncTemplatesResult,
  UpdateWhatsAppAccountBody,
  WhatsAppAccount,
} from '../api/whatsapp-accounts';

/**
 * The Settings area's channels (issue 12): online-only administration the core forwards to the
 * server's REST API with the session's token. Kept apart from `contract.ts` so the channel
 * table stays readable; `contract.ts` spreads this table into its own, so it is still one
 * table (names in `names.ts`, handlers in `src/core/admin`). The server decides who may do
 * what; the renderer only hides what a role cannot use.
 */

const id = z.uuid();
const none = z.undefined();
/** What a delete answers (the server's 204). */
const Done = z.object({ done: z.literal(true) });

/**
 * `admin:uploadTemplateMedia` input: the picked file's bytes (a Uint8Array, as `media:stage`).
 * The core sends them to the server as the request body, reporting `templateMedia:progress`
 * under `uploadId` (chosen by the caller, so it can listen and cancel before the call returns).
 */
export const UploadTemplateMediaInput = z
  .object({
    uploadId: id,
    whatsappAccountId: id,
    fileName: text().trim().min(1).max(240),
    mimeType: TemplateMediaType,
    bytes: z
      .custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'Expected the file’s bytes' })
      .refine((b) => b.byteLength > 0, { message: 'The file is empty.' }),
  })
  .refine((i) => i.bytes.byteLength <= TEMPLATE_MEDIA_LIMITS[i.mimeType], {
    path: ['bytes'],
    message: 'The file is larger than Meta accepts for a header sample.',
  });
export type UploadTemplateMediaInput = z.input<typeof UploadTemplateMediaInput>;

/** `templateMedia:progress`: how far a header sample's upload is (bytes handed to the server). */
export const TemplateMediaProgress = z.object({
  /** The `uploadId` the upload was started with. */
  uploadId: id,
  sentBytes: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  /**
   * `uploading` while bytes go out (all sent: Meta is taking the last part); `done` with the
   * handle; `failed` when refused or unreachable; `cancelled` after `admin:cancelTemplateMedia`.
   */
  state: z.enum(['uploading', 'done', 'failed', 'cancelled']),
});
export type TemplateMediaProgress = z.infer<typeof TemplateMediaProgress>;

/** `session:acceptInvite` input: the invite link split into its server and token. */
export const AcceptInviteInput = z.object({
  serverUrl: z.url({ protocol: /^https?$/, message: 'The invite link must start with http:// or https://' }),
  token: text().min(1).max(512),
  name: PersonName,
  password: Password,
});
export type AcceptInviteInput = z.infer<typeof AcceptInviteInput>;

/**
 * Splits an invite link (`<server>/invite#<token>`, or the desktop's `parley://invite?server=…#…`)
 * into the server URL and the token; null when it is not one. The token sits in the fragment so
 * it never reaches a server log.
 */
export function parseInviteLink(link: string): { serverUrl: string; token: string } | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  const token = decodeURIComponent(url.hash.replace(/^#/, ''));
  if (!token || token.length > 512) return null;
  if (url.protocol === 'parley:') {
    const server = url.searchParams.get('server');
    if (!server) return null;
    const inner = parseInviteLink(`${server.replace(/\/+$/, '')}/invite#${encodeURIComponent(token)}`);
    return inner;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const match = /^(.*)\/invite\/?$/.exec(url.pathname);
  if (!match) return null;
  return { serverUrl: `${url.origin}${match[1]}`, token };
}

/** The admin channels: entries of the one IPC table (see `contract.ts`). */
export const adminIpc = {
  /** Every member of the organization (all pages), by name. */
  'admin:listMembers': { input: none, output: z.array(Member) },
  /** Invite by link or create with a temporary password; the secret is shown once. */
  'admin:inviteMember': { input: CreateUserBody, output: CreateUserResponse },
  /** Change role and/or (de)activate; the last admin cannot be demoted or deactivated. */
  'admin:updateMember': { input: z.object({ id, patch: UpdateUserBody }), output: Member },
  /** A new temporary password for a member, shown once; every session of theirs ends. */
  'admin:resetPassword': { input: z.object({ id }), output: PasswordResetResponse },
  /** Every team (all pages), by name. */
  'admin:listTeams': { input: none, output: z.array(Team) },
  'admin:createTeam': { input: CreateTeamBody, output: Team },
  'admin:renameTeam': { input: z.object({ id, name: TeamName }), output: Team },
  /** Deletes a team; its conversations stay and lose the team. */
  'admin:deleteTeam': { input: z.object({ id }), output: Done },
  /** Adds (`member: true`) or removes a member of a team. */
  'admin:setTeamMember': {
    input: z.object({ teamId: id, userId: id, member: z.boolean() }),
    output: Team,
  },
  /** Every WhatsApp number (all pages). */
  'admin:listNumbers': { input: none, output: z.array(WhatsAppAccount) },
  /** Connects a number; the server verifies the credentials with Meta first. */
  'admin:connectNumber': { input: CreateWhatsAppAccountBody, output: WhatsAppAccount },
  /** Renames or rotates credentials (re-verified with Meta). */
  'admin:updateNumber': {
    input: z.object({ id, patch: UpdateWhatsAppAccountBody }),
    output: WhatsAppAccount,
  },
  'admin:syncTemplates': { input: z.object({ id }), output: SyncTemplatesResult },
  /** Disconnects a number; its conversations and history are kept. */
  'admin:disconnectNumber': { input: z.object({ id }), output: Done },
  /** The team new conversations on the number land in; null clears it. */
  'admin:setNumberDefaultTeam': { input: z.object({ id, teamId: id.nullable() }), output: WhatsAppAccount },
  'admin:getOrganization': { input: none, output: Organization },
  'admin:updateOrganization': { input: UpdateOrganizationBody, output: Organization },
  /** Outbound messages this month against the monthly quota (issue 10). */
  'admin:getUsage': { input: none, output: MessageUsage },
  /** One keyset page of the audit log, newest first. */
  'admin:listAuditEvents': { input: ListAuditEventsQuery, output: AuditEventPage },
  /**
   * Labels (admins, managers). Reads come from the replica (`labels:list`): the server's answer
   * reaches it through sync, so every screen shows the same list.
   */
  'admin:createLabel': { input: CreateLabelBody, output: Label },
  /** Renames (on every conversation carrying it, too) and/or recolours. */
  'admin:updateLabel': { input: z.object({ id, patch: UpdateLabelBody }), output: Label },
  /** Deletes a label; it is removed from the conversations carrying it. */
  'admin:deleteLabel': { input: z.object({ id }), output: Done },
  /** Canned responses: personal (anyone) or the organization's (admins, managers). */
  'admin:createCannedResponse': { input: CreateCannedResponseBody, output: CannedResponse },
  'admin:updateCannedResponse': {
    input: z.object({ id, patch: UpdateCannedResponseBody }),
    output: CannedResponse,
  },
  'admin:deleteCannedResponse': { input: z.object({ id }), output: Done },
  /**
   * Uploads a media header's sample file to Meta through the server (Resumable Upload API);
   * answers the handle that goes in the header's example.
   */
  'admin:uploadTemplateMedia': { input: UploadTemplateMediaInput, output: TemplateMediaHandle },
  /** Stops an upload in flight (its `admin:uploadTemplateMedia` call answers `cancelled`). */
  'admin:cancelTemplateMedia': {
    input: z.object({ uploadId: id }),
    output: z.object({ cancelled: z.boolean() }),
  },
  /** Submits a template to Meta for review; answers it stored as PENDING (sync brings the rest). */
  'admin:createTemplate': { input: CreateTemplateBody, output: Template },
  /** Deletes a template at Meta (this language only); it syncs back as DELETED. */
  'admin:editTemplate': { input: z.object({ id, body: EditTemplateBody }), output: Template },
  'admin:deleteTemplate': { input: z.object({ id }), output: Done },
  /** The reports overview of a range of local days (managers, admins; issue 13). */
  'admin:reportOverview': { input: ReportRangeQuery, output: ReportOverview },
} as const;

/** An admin channel name. */
export type AdminChannel = keyof typeof adminIpc;
