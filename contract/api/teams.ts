import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/** A team of the caller's organization. */
export const Team = z.object({
  id: z.uuid(),
  name: text(),
  /** User ids of the team's members. */
  memberIds: z.array(z.uuid()),
  createdAt: text(),
});
export type Team = z.infer<typeof Team>;

/** A team's name: unique within an organization (case-insensitive). */
export const TeamName = text().trim().min(1, { message: 'Enter a team name' }).max(80);

/** `GET /api/v1/teams` query: keyset paging, ordered by name. */
export const ListTeamsQuery = PageQuery;
export type ListTeamsQuery = z.infer<typeof ListTeamsQuery>;

/** `GET /api/v1/teams` response. */
export const TeamPage = page(Team);
export type TeamPage = z.infer<typeof TeamPage>;

/** `POST /api/v1/teams`. */
export const CreateTeamBody = z.object({
  name: TeamName,
  /** Initial members (user ids of this organization). */
  memberIds: z.array(z.uuid()).max(500).default([]),
});
export type CreateTeamBody = z.infer<typeof CreateTeamBody>;

/** `PATCH /api/v1/teams/:id`: rename. */
export const UpdateTeamBody = z.object({ name: TeamName }).strict();
export type UpdateTeamBody = z.infer<typeof UpdateTeamBody>;

/** `PUT/DELETE /api/v1/teams/:id/members/:userId`. */
export const TeamMemberParams = z.object({ id: z.uuid(), userId: z.uuid() });
export type TeamMemberParams = z.infer<typeof TeamMemberParams>;
