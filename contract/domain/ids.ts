import { z } from 'zod';

/** A UUID as produced by the server (v4 or v7). */
export const Uuid = z.uuid();
export type Uuid = z.infer<typeof Uuid>;

/** Organization (tenant) id. Every tenant-owned row carries one. */
export const OrganizationId = Uuid.brand<'OrganizationId'>();
export type OrganizationId = z.infer<typeof OrganizationId>;

/** User id: a global identity that may be a member of several organizations. */
export const UserId = Uuid.brand<'UserId'>();
export type UserId = z.infer<typeof UserId>;

/** Team id, scoped to one organization. */
export const TeamId = Uuid.brand<'TeamId'>();
export type TeamId = z.infer<typeof TeamId>;
