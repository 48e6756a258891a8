import { z } from 'zod';
import { text } from '../domain/text';

/** An organization's name, as at signup. */
export const OrganizationName = text().trim().min(1, { message: 'Enter an organization name' }).max(120);

/** `GET/PATCH /api/v1/organization`: the caller's organization and its settings (admin). */
export const Organization = z.object({
  id: z.uuid(),
  name: text(),
  /**
   * Whether agents see every conversation of their teams, not only their own and their teams'
   * unassigned ones (sync-protocol decision 4). Managers and admins see everything either way.
   */
  agentsSeeAllTeamConversations: z.boolean(),
  createdAt: text(),
});
export type Organization = z.infer<typeof Organization>;

/** `PATCH /api/v1/organization`: rename and/or change the team visibility policy. */
export const UpdateOrganizationBody = z
  .object({
    name: OrganizationName.optional(),
    agentsSeeAllTeamConversations: z.boolean().optional(),
  })
  .strict();
export type UpdateOrganizationBody = z.infer<typeof UpdateOrganizationBody>;
